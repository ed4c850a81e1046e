// Side-by-side timing: interleave reference and candidate runs (A/B/A/B…) and report medians and ratios.

/** One timed contender. */
export interface Contender {
  readonly name: string
  readonly run: () => unknown | Promise<unknown>
}

/** Median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const n = s.length
  return n === 0 ? NaN : n % 2 ? s[n >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2
}

/** Percentile (0..100) of a list of numbers. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN
}

/** Run every contender `rounds` times, interleaved, after `warmup` rounds; returns median ms per contender. */
export async function interleave(contenders: readonly Contender[], rounds = 7, warmup = 2): Promise<Map<string, number>> {
  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]))
  for (let r = 0; r < warmup + rounds; r++) {
    for (const c of contenders) {
      const t = performance.now()
      await c.run()
      const dt = performance.now() - t
      if (r >= warmup) times.get(c.name)!.push(dt)
    }
  }
  return new Map([...times].map(([k, v]) => [k, median(v)]))
}

/** Format a table of results with ratios to the named reference. */
export function report(title: string, medians: Map<string, number>, reference: string): string {
  const ref = medians.get(reference)!
  const lines = [`## ${title}`, `| contender | median ms | ratio to ${reference} |`, '|---|---|---|']
  for (const [k, v] of medians) lines.push(`| ${k} | ${v.toFixed(2)} | ${(v / ref).toFixed(2)}× |`)
  return lines.join('\n')
}
