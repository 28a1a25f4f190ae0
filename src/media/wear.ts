// Wear model: each erase costs one program/erase cycle; a chunk that reaches its endurance is
// worn out and goes OFFLINE. The wear index is the OCSSD 2.0 WLI scale (0..255).

export const DEFAULT_ENDURANCE = 1000; // P/E cycles; the original 2.0 emulator's pe_cycles default
export const MAX_WEAR_INDEX = 255;

export function wearIndex(eraseCount: number, endurance: number): number {
  if (endurance <= 0) return 0;
  const wi = Math.floor((eraseCount * MAX_WEAR_INDEX) / endurance);
  return wi > MAX_WEAR_INDEX ? MAX_WEAR_INDEX : wi;
}

export const isWornOut = (eraseCount: number, endurance: number): boolean => endurance > 0 && eraseCount >= endurance;
