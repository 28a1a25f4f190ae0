// server/: composition of configuration into devices, targets, exports and the control API.
export { defaultDeviceLine, TUTORIAL_DEVICE_LINE, DEFAULT_IMAGE_SIZE } from './default-device.js';
export { type ServeConfig, SERVE_DEFAULTS, PATH_OPTIONS, readConfigFile, resolveDeviceLine, deviceLineFromJson, parsePort } from './serve-config.js';
export { OcssdServer, type ServerListeners } from './ocssd-server.js';
export { ServedDevice, type BuiltDevice, type DeviceKind, type NamespaceInfo } from './served-device.js';
export { type DeviceBlueprint, createController, inProcessDevice } from './blueprint.js';
export { buildDevice, subsystemNqn } from './devices.js';
export { describeServer, deviceHelp, lsblkSize } from './describe.js';
export { ControlApi, ApiError, type Route, type ApiRequest } from './control-api.js';
export { DeviceOptionError, parseDeviceLine, describeOptions, parseSize, formatSize, type OptionSpec, type OptionValue } from './device-options.js';
export { NVME_DEVICE_OPTIONS, NVME_DEVICE_MODULE, parseNvmeDevice, nvmeDeviceConfig, createNvmeDevice, conventionalBlueprint, nvmeBlueprint, type NvmeDeviceConfig, type ConventionalDeviceConfig } from './nvme-device.js';
export { probeNvmeDevice, describeProbe, describeOcssd12, describeOcssd20, type ProbeResult } from './probe.js';
export { LIGHTNVM_COMMON_OPTIONS, LVER_OPTION, Lver, lverOf } from './lightnvm-options.js';
export { OCSSD12_DEVICE_OPTIONS, OCSSD12_DEFAULT_IMAGE_SIZE, parseOcssd12Device, ocssd12DeviceConfig, type Ocssd12DeviceConfig } from './ocssd12-options.js';
export {
  OCSSD12_DEVICE_MODULE,
  createOcssd12Device,
  createOcssd12Controller,
  ocssd12Blueprint,
  perNamespacePath,
  Ocssd12BbtFile,
  type Ocssd12BuildOptions,
} from './ocssd12-device.js';
export { ocssd12Layout, ocssd12Layouts, ocssd12ImageSize, type Ocssd12NamespaceLayout } from './ocssd12-geometry.js';
export { renderIdentity, readIdentity, statusText, formatOcssd12Identity, formatOcssd20Geometry, IDENTITY_RENDERERS, type IdentityView } from './lightnvm-identity.js';
export { OCSSD20_DEVICE_OPTIONS, parseChunkStateFile, parseResetFailFile, parseWriteFailFile, type ChunkStateLine, type FailLine } from './ocssd20-options.js';
export { OCSSD20_DEVICE_MODULE, MAX_MEMORY_IMAGE, parseOcssd20Device, ocssd20DeviceConfig, createOcssd20Device, ocssd20Blueprint, openOcssd20Namespace, type Ocssd20DeviceConfig, type Ocssd20Device } from './ocssd20-device.js';
export { NBD_SERVER_OPTIONS, parseNbdServerOptions } from './nbd-options.js';
