// A device as the server holds it: the namespaces (shared by every controller of the
// subsystem) and what a controller over them is made of. One blueprint gives the in-process
// PCI device (one controller and a queue engine) and, over NVMe/TCP, one controller per host
// association, all over the same namespace objects. Personalities (conventional, OCSSD 1.2,
// OCSSD 2.0) each build a blueprint from their checked configuration.
import { Controller, type ControllerOptions, type Namespace, QueueEngine } from '../controller/index.js';
import type { DeviceEnvironment, InProcessDevice } from '../transport/index.js';

export interface DeviceBlueprint {
  /** Controller options without a controller ID (each controller gets its own). */
  readonly controller: Omit<ControllerOptions, 'config'> & { readonly config: NonNullable<ControllerOptions['config']> };
  readonly namespaces: readonly Namespace[];
  /** Closes the namespaces and their stores (once, when the device goes away). */
  close(): void;
}

/** A controller over the blueprint's namespaces. Closing it must not close them: use `blueprint.close`. */
export function createController(bp: DeviceBlueprint, cntlid = 1): Controller {
  const ctrl = new Controller({ ...bp.controller, config: { ...bp.controller.config, cntlid } });
  for (const ns of bp.namespaces) ctrl.attachNamespace(ns);
  return ctrl;
}

/** The in-process PCI device over a blueprint; `ownsNamespaces` closes them with the device. */
export function inProcessDevice(bp: DeviceBlueprint, env: DeviceEnvironment, ownsNamespaces: boolean): InProcessDevice {
  const ctrl = createController(bp);
  const engine = new QueueEngine(ctrl, { memory: env.memory, onInterrupt: env.onInterrupt });
  return {
    engine,
    close() {
      for (const ns of bp.namespaces) ns.flush();
      if (ownsNamespaces) bp.close();
    },
  };
}
