// Test helper: the metric names a PromQL expression reads, and the expressions in eapd's Grafana
// dashboard and Prometheus alert rules. Shared by the unit tests (names exist in the registry) and
// the interop test (expressions return data from a real Prometheus).
import { readFileSync } from 'node:fs';

/** PromQL keywords and operators that look like identifiers (Prometheus docs: operators, aggregation). */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'atan2',
  'inf',
  'nan',
  'start',
  'end',
]);
/** Grafana variables substituted before the expression reaches Prometheus. */
const GRAFANA_VARIABLE = /\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g;
/** Suffixes Prometheus exposes for one histogram or summary. */
const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;

/**
 * The metric names an expression selects (`foo`, `foo{…}`, `foo[5m]`), without functions,
 * aggregations, keywords, label names in by/without/on/ignoring/group_* lists, string literals,
 * durations or numbers.
 */
export function metricNames(expr: string): Set<string> {
  let s = expr.replace(GRAFANA_VARIABLE, '1m');
  s = s.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""'); // string literals
  s = s.replace(/\{[^}]*\}/g, ' '); // label matchers
  s = s.replace(/\[[^\]]*\]/g, ' '); // range and subquery selectors
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // label lists
  const names = new Set<string>();
  const ident = /[A-Za-z_:][A-Za-z0-9_:]*/g;
  let m: RegExpExecArray | null;
  while ((m = ident.exec(s)) !== null) {
    const name = m[0];
    const before = s[m.index - 1];
    if (before !== undefined && /[0-9.]/.test(before)) continue; // part of a number like 1e3 or 0x1f
    const after = s.slice(m.index + name.length).trimStart();
    if (after.startsWith('(')) continue; // function or aggregation
    if (KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return names;
}

/** The name under which a series' metric is registered: `foo_bucket` → `foo` when `foo` is known. */
export function registeredName(name: string, known: ReadonlySet<string>): string {
  if (known.has(name)) return name;
  const base = name.replace(HISTOGRAM_SUFFIX, '');
  return known.has(base) ? base : name;
}

export interface DashboardExpr {
  readonly where: string;
  readonly expr: string;
}

interface PanelLike {
  readonly title?: string;
  readonly type?: string;
  readonly datasource?: unknown;
  readonly targets?: readonly { readonly expr?: string; readonly datasource?: unknown }[];
  readonly panels?: readonly PanelLike[];
}

export interface Dashboard {
  readonly uid?: string;
  readonly panels?: readonly PanelLike[];
  readonly templating?: {
    readonly list?: readonly {
      readonly name?: string;
      readonly type?: string;
      readonly query?: unknown;
      readonly datasource?: unknown;
    }[];
  };
}

export function readDashboard(path: string): Dashboard {
  return JSON.parse(readFileSync(path, 'utf8')) as Dashboard;
}

/** Every panel, rows' nested panels included. */
export function allPanels(d: Dashboard): PanelLike[] {
  const out: PanelLike[] = [];
  const walk = (ps: readonly PanelLike[] | undefined): void => {
    for (const p of ps ?? []) {
      out.push(p);
      walk(p.panels);
    }
  };
  walk(d.panels);
  return out;
}

/** Every PromQL expression of the dashboard's panels. */
export function dashboardExprs(d: Dashboard): DashboardExpr[] {
  return allPanels(d).flatMap((p) =>
    (p.targets ?? []).flatMap((t, i) =>
      t.expr === undefined ? [] : [{ where: `panel "${p.title ?? '?'}" target ${i}`, expr: t.expr }],
    ),
  );
}

/** Grafana `label_values(metric{…}, label)` variable queries, as the selector they read. */
export function variableSelectors(d: Dashboard): DashboardExpr[] {
  const out: DashboardExpr[] = [];
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : (v.query as { query?: unknown } | undefined)?.query;
    if (typeof q !== 'string') continue;
    const m = /^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(q.trim());
    out.push({ where: `variable $${v.name ?? '?'}`, expr: m?.[1] ?? q });
  }
  return out;
}

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
}

/**
 * The alerts of a Prometheus rule file. Reads only `- alert:` and `expr:` lines (the file keeps
 * every expr on one line; a block scalar is refused so nothing is silently skipped).
 */
export function readAlertRules(path: string): AlertRule[] {
  const rules: AlertRule[] = [];
  let alert: string | undefined;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const a = /^\s*-\s*alert:\s*(\S+)\s*$/.exec(line);
    if (a) alert = a[1];
    const e = /^\s*expr:\s*(.*)$/.exec(line);
    if (e) {
      const expr = e[1]!.trim();
      if (expr === '' || expr.startsWith('|') || expr.startsWith('>'))
        throw new Error(`${path}: write ${alert ?? 'every'} expr on one line`);
      if (alert === undefined) throw new Error(`${path}: expr without alert: ${expr}`);
      rules.push({ alert, expr: expr.replace(/^(['"])(.*)\1$/, '$2') });
      alert = undefined;
    }
  }
  return rules;
}

/**
 * The signal of an alert expression `<signal> <cmp> <threshold> [and …]`: the text before the first
 * comparison operator at nesting depth 0 (outside parentheses, braces, brackets and strings).
 */
export function alertSignal(expr: string): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if ('({['.includes(c)) depth++;
    else if (')}]'.includes(c)) depth--;
    else if (depth === 0 && /^(==|!=|>=|<=|>|<)/.test(expr.slice(i))) return expr.slice(0, i).trim();
  }
  return expr.trim();
}
