// Pure: ids Home Assistant accepts in a discovery topic. Its MQTT integration drops a topic whose
// node_id or object_id holds anything outside [a-zA-Z0-9_-] ("illegal discovery topic",
// homeassistant/components/mqtt/discovery.py TOPIC_MATCHER), so host and link names are mapped here.

/** Every other character becomes "_"; runs collapse; never empty. */
export function slugify(text: string): string {
  const s = text.replace(/[^a-zA-Z0-9_-]+/g, '_').replace(/^_+|_+$/g, '');
  return s === '' ? 'x' : s;
}

/** One slug per name, in order; a slug already taken gets _2, _3, ... (names "a.b" and "a_b"). */
export function uniqueSlugs(names: readonly string[]): Map<string, string> {
  const taken = new Set<string>();
  const out = new Map<string, string>();
  for (const name of names) {
    const base = slugify(name);
    let slug = base;
    for (let i = 2; taken.has(slug) && i < names.length + 2; i++) slug = `${base}_${i}`;
    taken.add(slug);
    out.set(name, slug);
  }
  return out;
}
