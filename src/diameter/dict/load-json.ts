import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AvpType, isAvpType } from './avp-type.js';
import { CCF_WILDCARD, CcfSyntaxError, parseCcf } from './ccf.js';
import type { CcfGrammar } from './ccf.js';
import { Dictionary } from './dictionary.js';
import { DictionaryError } from './dictionary-error.js';
import { AvpFlag, RuleKind } from './model.js';
import type { ApplicationDef, AvpDef, CommandDef, Grammar, GrammarRule, VendorDef } from './model.js';

/*
 * File format (docs/dictionaries.md): { name, comment?, vendors?, applications?, avps?, commands?,
 * answerMessage?, enumExtensions? }. Files are merged in the order given; grammars are resolved
 * after every file is read, so a grammar may name an AVP of another file.
 */

const UINT32_MAX = 0xffffffff;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const AVP_CODE_MAX = UINT32_MAX;
const COMMAND_CODE_MAX = 0xffffff; // RFC 6733 §3: 24-bit Command Code
const ENUM_NAME_RE = /^[A-Z][A-Z0-9_]*$/;
const AVP_NAME_RE = /^[A-Za-z][A-Za-z0-9-]*$/;
const FLAG_LETTERS: Readonly<Record<string, number>> = { V: AvpFlag.V, M: AvpFlag.M, P: AvpFlag.P };
const MAX_RULES = 0x7fff; // ruleOf is an Int16Array

type Json = Record<string, unknown>;

interface PendingAvp {
  def: Omit<AvpDef, 'grammar' | 'values' | 'valueSet'> & {
    values: Map<string, number>;
    valueSet: ReadonlySet<number>;
    grammar: Grammar | undefined;
  };
  grammarText: string | undefined;
  file: string;
}

interface PendingCommand {
  file: string;
  name: string;
  requestAbbrev: string;
  answerAbbrev: string;
  code: number;
  applicationId: number;
  proxiable: boolean;
  request: CcfGrammar;
  answer: CcfGrammar;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isUint(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

function grammarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((l) => typeof l === 'string')) return v.join(' ');
  return undefined;
}

function parseFlags(file: string, entry: string, v: unknown): { must: number; mustNot: number } {
  if (!isObject(v)) throw new DictionaryError(file, entry, 'flags must be { must: "MV..", mustNot: ".." }');
  const bits = (key: string): number => {
    const s = v[key] ?? '';
    if (typeof s !== 'string') throw new DictionaryError(file, entry, `flags.${key} must be a string`);
    let b = 0;
    for (const ch of s) {
      const bit = FLAG_LETTERS[ch];
      if (bit === undefined) throw new DictionaryError(file, entry, `unknown flag '${ch}' in flags.${key}`);
      b |= bit;
    }
    return b;
  };
  const must = bits('must');
  const mustNot = bits('mustNot');
  if ((must & mustNot) !== 0) throw new DictionaryError(file, entry, 'a flag is both must and mustNot');
  return { must, mustNot };
}

function parseValues(
  file: string,
  entry: string,
  v: unknown,
  min: number,
  max: number,
  into: Map<string, number>,
): void {
  if (!isObject(v)) throw new DictionaryError(file, entry, 'bad enum: expected { NAME: value }');
  const seen = new Map<number, string>();
  for (const [k, n] of into) seen.set(n, k);
  for (const [k, n] of Object.entries(v)) {
    if (!ENUM_NAME_RE.test(k))
      throw new DictionaryError(file, entry, `bad enum: name '${k}' is not UPPER_SNAKE_CASE`);
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
      throw new DictionaryError(file, entry, `bad enum: value of ${k} is not an integer in [${min}, ${max}]`);
    if (into.has(k)) throw new DictionaryError(file, entry, `bad enum: duplicate name ${k}`);
    const other = seen.get(n);
    if (other !== undefined)
      throw new DictionaryError(file, entry, `bad enum: ${k} and ${other} share value ${n}`);
    seen.set(n, k);
    into.set(k, n);
  }
}

function valueRange(type: AvpType): [number, number] | undefined {
  if (type === AvpType.Enumerated || type === AvpType.Integer32) return [INT32_MIN, INT32_MAX];
  if (type === AvpType.Unsigned32) return [0, UINT32_MAX];
  return undefined;
}

function parseCcfIn(file: string, entry: string, v: unknown): CcfGrammar {
  const text = grammarText(v);
  if (text === undefined)
    throw new DictionaryError(file, entry, 'grammar must be a string or an array of strings');
  try {
    return parseCcf(text);
  } catch (e) {
    if (e instanceof CcfSyntaxError) throw new DictionaryError(file, entry, `bad CCF syntax: ${e.message}`);
    throw e;
  }
}

class Loader {
  readonly #avps: PendingAvp[] = [];
  readonly #avpKeys = new Map<string, string>();
  readonly #avpNames = new Map<string, PendingAvp>();
  readonly #commands: PendingCommand[] = [];
  readonly #commandCodes = new Map<number, string>();
  readonly #apps = new Map<number, ApplicationDef>();
  readonly #vendors = new Map<number, VendorDef>([[0, { id: 0, name: 'IETF' }]]);
  readonly #enumExt: { file: string; avp: string; values: unknown }[] = [];
  #answerMessage: { file: string; ccf: CcfGrammar } | undefined;

  addFile(path: string, raw: unknown): void {
    const file = basename(path);
    if (!isObject(raw)) throw new DictionaryError(file, '(file)', 'not a JSON object');
    if (typeof raw['name'] !== 'string') throw new DictionaryError(file, '(file)', 'missing "name"');
    for (const v of this.#list(file, raw, 'vendors')) {
      if (!isObject(v) || !isUint(v['id'], UINT32_MAX) || typeof v['name'] !== 'string')
        throw new DictionaryError(file, 'vendor', 'expected { id, name }');
      if (this.#vendors.has(v['id']))
        throw new DictionaryError(file, `vendor ${v['id']}`, 'duplicate vendor id');
      this.#vendors.set(v['id'], { id: v['id'], name: v['name'] });
    }
    for (const a of this.#list(file, raw, 'applications')) {
      if (!isObject(a) || !isUint(a['id'], UINT32_MAX) || typeof a['name'] !== 'string')
        throw new DictionaryError(file, 'application', 'expected { id, name }');
      if (this.#apps.has(a['id']))
        throw new DictionaryError(file, `application ${a['id']}`, 'duplicate application id');
      this.#apps.set(a['id'], { id: a['id'], name: a['name'] });
    }
    for (const a of this.#list(file, raw, 'avps')) this.#addAvp(file, a);
    for (const c of this.#list(file, raw, 'commands')) this.#addCommand(file, c);
    if (raw['answerMessage'] !== undefined) {
      if (this.#answerMessage !== undefined)
        throw new DictionaryError(file, 'answerMessage', `already defined in ${this.#answerMessage.file}`);
      const ccf = parseCcfIn(file, 'answerMessage', raw['answerMessage']);
      if (ccf.header.kind !== 'Diameter' || ccf.header.code !== undefined || !ccf.header.err)
        throw new DictionaryError(
          file,
          'answerMessage',
          'header must be "< Diameter Header: code, ERR [PXY] >"',
        );
      this.#answerMessage = { file, ccf };
    }
    const ext = raw['enumExtensions'];
    if (ext !== undefined) {
      if (!isObject(ext))
        throw new DictionaryError(file, 'enumExtensions', 'expected { AVP-Name: { NAME: value } }');
      for (const [avp, values] of Object.entries(ext)) this.#enumExt.push({ file, avp, values });
    }
  }

  #list(file: string, raw: Json, key: string): unknown[] {
    const v = raw[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new DictionaryError(file, key, 'must be an array');
    return v;
  }

  #addAvp(file: string, a: unknown): void {
    if (!isObject(a) || typeof a['name'] !== 'string')
      throw new DictionaryError(file, 'avp', 'expected an object with a "name"');
    const name = a['name'];
    const entry = `avp ${name}`;
    if (!AVP_NAME_RE.test(name) || name === CCF_WILDCARD)
      throw new DictionaryError(file, entry, 'bad AVP name');
    if (!isUint(a['code'], AVP_CODE_MAX))
      throw new DictionaryError(file, entry, 'code must be an unsigned 32-bit integer');
    const vendorId = a['vendorId'] ?? 0;
    if (!isUint(vendorId, UINT32_MAX)) throw new DictionaryError(file, entry, 'bad vendorId');
    if (!this.#vendors.has(vendorId))
      throw new DictionaryError(file, entry, `unknown vendor ${vendorId} (declare it in "vendors")`);
    const type = a['type'];
    if (typeof type !== 'string' || !isAvpType(type))
      throw new DictionaryError(file, entry, `unknown type '${String(type)}'`);
    const { must, mustNot } = parseFlags(file, entry, a['flags']);
    if (vendorId !== 0 && (mustNot & AvpFlag.V) !== 0)
      throw new DictionaryError(file, entry, 'a vendor AVP cannot have V in mustNot');
    const key = `${vendorId}:${a['code']}`;
    const dup = this.#avpKeys.get(key);
    if (dup !== undefined)
      throw new DictionaryError(
        file,
        entry,
        `duplicate AVP code ${a['code']} vendor ${vendorId} (also ${dup})`,
      );
    if (this.#avpNames.has(name)) throw new DictionaryError(file, entry, 'duplicate AVP name');
    const values = new Map<string, number>();
    const range = valueRange(type);
    if (a['enum'] !== undefined) {
      if (type !== AvpType.Enumerated)
        throw new DictionaryError(
          file,
          entry,
          'bad enum: "enum" needs type Enumerated (use "values" for named constants)',
        );
      parseValues(file, entry, a['enum'], range![0], range![1], values);
    }
    if (a['values'] !== undefined) {
      if (range === undefined || type === AvpType.Enumerated)
        throw new DictionaryError(file, entry, 'bad enum: "values" needs type Integer32 or Unsigned32');
      parseValues(file, entry, a['values'], range[0], range[1], values);
    }
    if (type === AvpType.Enumerated && a['enum'] === undefined)
      throw new DictionaryError(file, entry, 'bad enum: an Enumerated AVP needs "enum"');
    const enumOpen = a['enumOpen'] ?? false;
    if (typeof enumOpen !== 'boolean') throw new DictionaryError(file, entry, 'enumOpen must be a boolean');
    let text: string | undefined;
    if (type === AvpType.Grouped) {
      if (a['grammar'] === undefined)
        throw new DictionaryError(file, entry, 'a Grouped AVP needs a "grammar"');
      text = grammarText(a['grammar']);
      if (text === undefined)
        throw new DictionaryError(file, entry, 'grammar must be a string or an array of strings');
    } else if (a['grammar'] !== undefined)
      throw new DictionaryError(file, entry, 'only Grouped AVPs have a grammar');
    const p: PendingAvp = {
      file,
      grammarText: text,
      def: {
        index: this.#avps.length,
        name,
        code: a['code'],
        vendorId,
        type,
        mustFlags: must | (vendorId !== 0 ? AvpFlag.V : 0),
        mustNotFlags: mustNot,
        values,
        valueSet: new Set(),
        enumClosed: type === AvpType.Enumerated && !enumOpen,
        grammar: undefined,
        source: file,
      },
    };
    this.#avps.push(p);
    this.#avpKeys.set(key, `${name} in ${file}`);
    this.#avpNames.set(name, p);
  }

  #addCommand(file: string, c: unknown): void {
    if (!isObject(c) || typeof c['name'] !== 'string')
      throw new DictionaryError(file, 'command', 'expected an object with a "name"');
    const entry = `command ${c['name']}`;
    const { request, answer } = c;
    if (typeof request !== 'string' || typeof answer !== 'string')
      throw new DictionaryError(
        file,
        entry,
        '"request" and "answer" must be the abbreviations (e.g. "CER", "CEA")',
      );
    if (!isUint(c['code'], COMMAND_CODE_MAX))
      throw new DictionaryError(file, entry, 'code must be a 24-bit unsigned integer');
    if (!isUint(c['applicationId'], UINT32_MAX)) throw new DictionaryError(file, entry, 'bad applicationId');
    if (typeof c['proxiable'] !== 'boolean')
      throw new DictionaryError(file, entry, 'proxiable must be a boolean');
    const dup = this.#commandCodes.get(c['code']);
    if (dup !== undefined)
      throw new DictionaryError(file, entry, `duplicate command code ${c['code']} (also ${dup})`);
    const req = parseCcfIn(file, `${entry} requestGrammar`, c['requestGrammar']);
    const ans = parseCcfIn(file, `${entry} answerGrammar`, c['answerGrammar']);
    for (const [g, isReq, label] of [
      [req, true, 'requestGrammar'],
      [ans, false, 'answerGrammar'],
    ] as const) {
      const h = g.header;
      if (h.kind !== 'Diameter' || h.code !== c['code'])
        throw new DictionaryError(
          file,
          `${entry} ${label}`,
          `header must be "< Diameter Header: ${c['code']}, ... >"`,
        );
      if (h.req !== isReq)
        throw new DictionaryError(
          file,
          `${entry} ${label}`,
          isReq ? 'request header lacks REQ' : 'answer header has REQ',
        );
      if (h.pxy !== c['proxiable'])
        throw new DictionaryError(file, `${entry} ${label}`, 'PXY disagrees with "proxiable"');
      if (h.err) throw new DictionaryError(file, `${entry} ${label}`, 'ERR belongs to answer-message only');
    }
    this.#commandCodes.set(c['code'], `${c['name']} in ${file}`);
    this.#commands.push({
      file,
      name: c['name'],
      requestAbbrev: request,
      answerAbbrev: answer,
      code: c['code'],
      applicationId: c['applicationId'],
      proxiable: c['proxiable'],
      request: req,
      answer: ans,
    });
  }

  #resolve(file: string, entry: string, ccf: CcfGrammar, count: number): Grammar {
    const rules: GrammarRule[] = [];
    const ruleOf = new Int16Array(count).fill(-1);
    let allowsAny = false;
    let anyMin = 0;
    let fixedOpen = true;
    for (const r of ccf.rules) {
      if (r.kind !== RuleKind.Fixed) fixedOpen = false;
      else if (!fixedOpen)
        throw new DictionaryError(
          file,
          entry,
          `bad CCF syntax: fixed rule < ${r.avp} > after a non-fixed rule (RFC 6733 §3.2)`,
        );
      if (r.avp === CCF_WILDCARD) {
        if (allowsAny) throw new DictionaryError(file, entry, 'bad CCF syntax: AVP wildcard twice');
        allowsAny = true;
        anyMin = r.kind === RuleKind.Required ? r.min : 0;
        continue;
      }
      const p = this.#avpNames.get(r.avp);
      if (p === undefined) throw new DictionaryError(file, entry, `grammar names unknown AVP '${r.avp}'`);
      if (ruleOf[p.def.index] !== -1)
        throw new DictionaryError(file, entry, `AVP '${r.avp}' appears twice in the grammar`);
      if (rules.length >= MAX_RULES) throw new DictionaryError(file, entry, 'too many rules');
      ruleOf[p.def.index] = rules.length;
      rules.push({
        avp: p.def as AvpDef,
        kind: r.kind,
        min: r.min,
        max: r.max,
        position: r.kind === RuleKind.Fixed ? rules.length : -1,
      });
    }
    return { name: ccf.name, rules, allowsAny, anyMin, ruleOf };
  }

  build(): Dictionary {
    for (const { file, avp, values } of this.#enumExt) {
      const p = this.#avpNames.get(avp);
      const entry = `enumExtensions ${avp}`;
      if (p === undefined) throw new DictionaryError(file, entry, `unknown AVP '${avp}'`);
      if (p.def.type !== AvpType.Enumerated)
        throw new DictionaryError(file, entry, 'bad enum: not an Enumerated AVP');
      parseValues(file, entry, values, INT32_MIN, INT32_MAX, p.def.values);
    }
    const count = this.#avps.length;
    for (const p of this.#avps) p.def.valueSet = new Set(p.def.values.values());
    for (const p of this.#avps) {
      if (p.grammarText === undefined) continue;
      const entry = `avp ${p.def.name} grammar`;
      const ccf = parseCcfIn(p.file, entry, p.grammarText);
      if (
        ccf.header.kind !== 'AVP' ||
        ccf.header.code !== p.def.code ||
        ccf.header.vendorId !== p.def.vendorId
      )
        throw new DictionaryError(
          p.file,
          entry,
          `header must be "< AVP Header: ${p.def.code}${p.def.vendorId ? ', ' + p.def.vendorId : ''} >"`,
        );
      if (ccf.name !== p.def.name)
        throw new DictionaryError(p.file, entry, `grammar is named '${ccf.name}', not '${p.def.name}'`);
      p.def.grammar = this.#resolve(p.file, entry, ccf, count);
    }
    const commands: CommandDef[] = this.#commands.map((c) => ({
      name: c.name,
      requestAbbrev: c.requestAbbrev,
      answerAbbrev: c.answerAbbrev,
      code: c.code,
      applicationId: c.applicationId,
      proxiable: c.proxiable,
      request: this.#resolve(c.file, `command ${c.name} requestGrammar`, c.request, count),
      answer: this.#resolve(c.file, `command ${c.name} answerGrammar`, c.answer, count),
      source: c.file,
    }));
    if (this.#answerMessage === undefined)
      throw new DictionaryError(
        '(all files)',
        'answerMessage',
        'no file defines the RFC 6733 §7.2 answer-message grammar',
      );
    const am = this.#answerMessage;
    return new Dictionary({
      avps: this.#avps.map((p) => p.def as AvpDef),
      commands,
      applications: [...this.#apps.values()],
      vendors: [...this.#vendors.values()],
      answerMessage: this.#resolve(am.file, 'answerMessage', am.ccf, count),
    });
  }
}

/** Loads and merges JSON dictionaries in order; throws DictionaryError on the first problem. */
export function loadDictionaries(paths: readonly string[]): Dictionary {
  const loader = new Loader();
  for (const path of paths) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new DictionaryError(basename(path), '(file)', e instanceof Error ? e.message : String(e));
    }
    loader.addFile(path, raw);
  }
  return loader.build();
}

/** Same as loadDictionaries, from already-parsed objects (tests, embedded dictionaries). */
export function buildDictionary(
  files: readonly { readonly path: string; readonly json: unknown }[],
): Dictionary {
  const loader = new Loader();
  for (const f of files) loader.addFile(f.path, f.json);
  return loader.build();
}

/** Every `*.json` of a folder; base_rfc6733.json first, then the others by name. */
export function dictionaryFiles(dir: string): string[] {
  const BASE = 'base_rfc6733.json';
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort((a, b) => (a === BASE ? -1 : b === BASE ? 1 : a.localeCompare(b)));
  return names.map((n) => join(dir, n));
}

/** Loads the `dictionaries/` folder shipped with eapd (or an operator's folder). */
export function loadDefaultDictionaries(dir: string): Dictionary {
  return loadDictionaries(dictionaryFiles(dir));
}
