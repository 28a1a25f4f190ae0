// server/: composition of configuration into devices, targets, exports and the control API.
export { openDefaultDevice, describeDevice, TUTORIAL_GEOMETRY, TUTORIAL_DEVICE_LINE, DEFAULT_IMAGE_SIZE, type DefaultDevice } from './default-device.js';
export { DeviceOptionError, parseDeviceLine, describeOptions, parseSize, formatSize, type OptionSpec, type OptionValue } from './device-options.js';
export { NVME_DEVICE_OPTIONS, NVME_DEVICE_MODULE, parseNvmeDevice, nvmeDeviceConfig, createNvmeDevice, type NvmeDeviceConfig } from './nvme-device.js';
export { probeNvmeDevice, describeProbe, type ProbeResult } from './probe.js';
export { OCSSD20_DEVICE_OPTIONS, parseChunkStateFile, parseResetFailFile, parseWriteFailFile, type ChunkStateLine, type FailLine } from './ocssd20-options.js';
export { OCSSD20_DEVICE_MODULE, MAX_MEMORY_IMAGE, parseOcssd20Device, ocssd20DeviceConfig, createOcssd20Device, openOcssd20Namespace, type Ocssd20DeviceConfig, type Ocssd20Device } from './ocssd20-device.js';
