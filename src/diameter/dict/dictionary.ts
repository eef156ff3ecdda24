import type { ApplicationDef, AvpDef, CommandDef, Grammar, VendorDef } from './model.js';

/**
 * The loaded, cross-checked dictionaries. Lookups are Map hits precomputed at load time; vendor 0
 * (IETF) AVPs have their own Map so the common path does one lookup.
 */
export class Dictionary {
  readonly #ietf: ReadonlyMap<number, AvpDef>;
  readonly #vendor: ReadonlyMap<number, ReadonlyMap<number, AvpDef>>;
  readonly #byName: ReadonlyMap<string, AvpDef>;
  readonly #commands: ReadonlyMap<number, CommandDef>;
  readonly applications: readonly ApplicationDef[];
  readonly applicationIds: readonly number[];
  readonly vendors: readonly VendorDef[];
  /** RFC 6733 §7.2 generic answer-message grammar (answers with the E bit). */
  readonly answerMessage: Grammar;
  readonly avps: readonly AvpDef[];
  readonly commands: readonly CommandDef[];

  constructor(parts: {
    avps: readonly AvpDef[];
    commands: readonly CommandDef[];
    applications: readonly ApplicationDef[];
    vendors: readonly VendorDef[];
    answerMessage: Grammar;
  }) {
    const ietf = new Map<number, AvpDef>();
    const vendor = new Map<number, Map<number, AvpDef>>();
    const byName = new Map<string, AvpDef>();
    for (const a of parts.avps) {
      byName.set(a.name, a);
      if (a.vendorId === 0) ietf.set(a.code, a);
      else {
        let m = vendor.get(a.vendorId);
        if (m === undefined) vendor.set(a.vendorId, (m = new Map()));
        m.set(a.code, a);
      }
    }
    this.#ietf = ietf;
    this.#vendor = vendor;
    this.#byName = byName;
    this.#commands = new Map(parts.commands.map((c) => [c.code, c]));
    this.avps = parts.avps;
    this.commands = parts.commands;
    this.applications = parts.applications;
    this.applicationIds = parts.applications.map((a) => a.id);
    this.vendors = parts.vendors;
    this.answerMessage = parts.answerMessage;
  }

  /** The AVP with this code and vendor, or undefined when the dictionary lacks it. */
  avp(code: number, vendorId = 0): AvpDef | undefined {
    return vendorId === 0 ? this.#ietf.get(code) : this.#vendor.get(vendorId)?.get(code);
  }

  /** The AVP of that name; an unknown name is a programming error and throws. */
  avpByName(name: string): AvpDef {
    const a = this.#byName.get(name);
    if (a === undefined) throw new Error(`Dictionary: no AVP named '${name}'`);
    return a;
  }

  /** The command with this code, or undefined (RFC 6733 §7.1.3: 3001). */
  command(code: number): CommandDef | undefined {
    return this.#commands.get(code);
  }
}
