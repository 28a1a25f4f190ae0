// server/: composition of configuration into devices, targets, exports and the control API.
export { openDefaultDevice, describeDevice, TUTORIAL_GEOMETRY, TUTORIAL_DEVICE_LINE, DEFAULT_IMAGE_SIZE, type DefaultDevice } from './default-device.js';
export { DeviceOptionError, parseDeviceLine, describeOptions, parseSize, formatSize, type OptionSpec, type OptionValue } from './device-options.js';
export { NVME_DEVICE_OPTIONS, NVME_DEVICE_MODULE, parseNvmeDevice, nvmeDeviceConfig, createNvmeDevice, type NvmeDeviceConfig } from './nvme-device.js';
export { probeNvmeDevice, describeProbe, type ProbeResult } from './probe.js';
export { NBD_SERVER_OPTIONS, parseNbdServerOptions } from './nbd-options.js';
