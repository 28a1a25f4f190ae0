// server/: composition of configuration into devices, targets, exports and the control API.
export { openDefaultDevice, describeDevice, TUTORIAL_GEOMETRY, TUTORIAL_DEVICE_LINE, DEFAULT_IMAGE_SIZE, type DefaultDevice } from './default-device.js';
export { DeviceOptionError, parseDeviceLine, describeOptions, parseSize, formatSize, type OptionSpec, type OptionValue } from './device-options.js';
export { NVME_DEVICE_OPTIONS, NVME_DEVICE_MODULE, parseNvmeDevice, nvmeDeviceConfig, createNvmeDevice, type NvmeDeviceConfig, type ConventionalDeviceConfig } from './nvme-device.js';
export { probeNvmeDevice, describeProbe, describeOcssd12, describeOcssd20, type ProbeResult } from './probe.js';
export { LIGHTNVM_COMMON_OPTIONS, LVER_OPTION, Lver, lverOf } from './lightnvm-options.js';
export { OCSSD12_DEVICE_OPTIONS, OCSSD12_DEFAULT_IMAGE_SIZE, parseOcssd12Device, ocssd12DeviceConfig, type Ocssd12DeviceConfig } from './ocssd12-options.js';
export {
  OCSSD12_DEVICE_MODULE,
  createOcssd12Device,
  createOcssd12Controller,
  perNamespacePath,
  Ocssd12BbtFile,
  type Ocssd12BuildOptions,
} from './ocssd12-device.js';
export { ocssd12Layout, ocssd12Layouts, ocssd12ImageSize, type Ocssd12NamespaceLayout } from './ocssd12-geometry.js';
export { OCSSD20_DEVICE_OPTIONS, parseChunkStateFile, parseResetFailFile, parseWriteFailFile, type ChunkStateLine, type FailLine } from './ocssd20-options.js';
export { OCSSD20_DEVICE_MODULE, MAX_MEMORY_IMAGE, parseOcssd20Device, ocssd20DeviceConfig, createOcssd20Device, openOcssd20Namespace, type Ocssd20DeviceConfig, type Ocssd20Device } from './ocssd20-device.js';
