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
export { NVME_DEVICE_OPTIONS, NVME_DEVICE_MODULE, parseNvmeDevice, nvmeDeviceConfig, createNvmeDevice, conventionalBlueprint, type NvmeDeviceConfig } from './nvme-device.js';
export { probeNvmeDevice, describeProbe, type ProbeResult } from './probe.js';
