// Locates ../shared (spec facts and the engine-written corpus). A missing corpus fails loudly.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Repository root of this checkout. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

function locateShared(): string {
  const candidates = [process.env.FLOE_SHARED, resolve(REPO_ROOT, '..', 'shared'), '/work/shared'].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  )
  for (const c of candidates) if (existsSync(join(c, 'corpus', 'MANIFEST.md'))) return c
  throw new Error(`shared corpus not found; looked in ${candidates.join(', ')} (set FLOE_SHARED to the folder holding corpus/)`)
}

/** Absolute path of the shared folder (spec/, corpus/, notes/). */
export const SHARED = locateShared()
/** Absolute path of shared/corpus. */
export const CORPUS = join(SHARED, 'corpus')

/** Absolute path of a file or folder inside the corpus. */
export function corpusPath(...parts: string[]): string {
  return join(CORPUS, ...parts)
}
