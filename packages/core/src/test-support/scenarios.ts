import { assignedScenario, type AssignedScenario } from '../scenario/assigned.js';
import { loadScenarioText } from '../scenario/load.js';

/** The agents' part of a minimal testbed scenario (every default), for coordinator and agent tests. */
export function assignedTestScenario(name = 'test', targetUrl = 'http://127.0.0.1:1'): AssignedScenario {
  const yaml = `name: ${name}\ntarget: { kind: testbed }\nconferences: 1\nparticipantsPerConference: 1\nduration: 1s\n`;
  return assignedScenario(loadScenarioText(yaml, `${name}.yaml`).scenario, targetUrl);
}
