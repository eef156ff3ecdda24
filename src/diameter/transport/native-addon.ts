// The loader lives in util (the EAP crypto uses an addon too); transports keep importing it here.
export { loadAddon, NATIVE_DIR_ENV, type AddonLoad } from '../../util/native-addon.js';
