// Staging buffers for one write unit per PU (data, OOB, addresses), made on first use and reused
// for every unit the writer, smeta and emeta send to that PU (one write in flight per PU).
export interface Stage {
  readonly data: Uint8Array;
  readonly oob: Uint8Array;
  readonly addr: Float64Array;
}

export class UnitStages {
  private readonly stages: (Stage | undefined)[] = [];

  constructor(
    private readonly unit: number,
    private readonly oobSize: number,
  ) {}

  get(pu: number): Stage {
    return (this.stages[pu] ??= { data: new Uint8Array(this.unit * 4096), oob: new Uint8Array(this.unit * this.oobSize), addr: new Float64Array(this.unit) });
  }
}
