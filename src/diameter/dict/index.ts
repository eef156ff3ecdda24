export { AvpType, FIXED_PAYLOAD_SIZE, minimalPayloadSize } from './avp-type.js';
export { parseCcf, CcfSyntaxError } from './ccf.js';
export type { CcfGrammar, CcfRule, CcfHeader } from './ccf.js';
export { Dictionary } from './dictionary.js';
export { DictionaryError } from './dictionary-error.js';
export { buildDictionary, dictionaryFiles, loadDefaultDictionaries, loadDictionaries } from './load-json.js';
export { AvpFlag, RuleKind } from './model.js';
export type { ApplicationDef, AvpDef, CommandDef, Grammar, GrammarRule, VendorDef } from './model.js';
