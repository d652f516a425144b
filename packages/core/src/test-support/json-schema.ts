/** Paths of the properties of a generated JSON Schema that carry no `description` (editors show
 * descriptions on completion, so every field needs one). */
export function undocumentedProperties(root: unknown): string[] {
  const undocumented: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return;
    const schema = node as Record<string, unknown>;
    for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      if (typeof child.description !== 'string') undocumented.push(`${path}.${key}`);
      walk(child, `${path}.${key}`);
    }
    for (const key of ['anyOf', 'oneOf', 'items', 'additionalProperties']) {
      const value = schema[key];
      for (const child of Array.isArray(value) ? value : [value]) walk(child, path);
    }
  };
  walk(root, '');
  return undocumented;
}
