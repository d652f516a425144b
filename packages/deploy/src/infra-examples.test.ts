import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { infraExamples } from './infra-examples.js';

const infra = fileURLToPath(new URL('../../../infra/', import.meta.url));

describe('infra/helm and infra/k8s', () => {
  it.each(infraExamples().map((f) => [f.path, f.content]))('%s is what the renderer writes', async (path, content) => {
    await expect(content).toMatchFileSnapshot(`${infra}${path}`);
  });
});
