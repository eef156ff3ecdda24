import type { Scenario } from '../lib/scenario.js';
import { latencyScenario } from './latency.js';
import { maxRateScenario } from './max-rate.js';
import { memoryScenario } from './memory.js';
import { microScenario } from './micro.js';
import { radiusScenario } from './radius.js';
import { registryScaleScenario } from './registry-scale.js';
import { relayScenario } from './relay.js';

/** Every scenario, in the order `eapd bench` runs them (the priority order). */
export const SCENARIOS: readonly Scenario[] = [
  microScenario,
  maxRateScenario,
  latencyScenario,
  radiusScenario,
  relayScenario,
  memoryScenario,
  registryScaleScenario,
];
