// server/: composition of configuration into devices, targets, exports and the control API.
export { openDefaultDevice, describeDevice, TUTORIAL_GEOMETRY, TUTORIAL_DEVICE_LINE, DEFAULT_IMAGE_SIZE, type DefaultDevice } from './default-device.js';
