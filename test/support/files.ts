// File-system helpers for tests: walk a folder, read bytes.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Every file below `dir` (recursive, sorted), filtered by `keep`. */
export function walkFiles(dir: string, keep: (path: string) => boolean = () => true): string[] {
  const out: string[] = []
  const visit = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) visit(p)
      else if (keep(p)) out.push(p)
    }
  }
  visit(dir)
  return out
}
