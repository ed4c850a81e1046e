// V8 embeds hidden classes weakly in optimized code. When a full GC finds no live object of a shape, the
// shape dies and every optimized function that checked it is deoptimized; the next plan then runs in the
// interpreter until it is re-optimized (planning right after a major GC ran 2-3x slower). Keeping one
// representative of each hot shape reachable avoids that, at the cost of a few small objects.

const anchors = new Map<string, unknown>()

/** Keep `value` reachable as the representative of the shape `kind` (replacing the previous one); returns it. */
export function anchorShape<T>(kind: string, value: T): T {
  anchors.set(kind, value)
  return value
}
