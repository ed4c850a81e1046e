// anchorShape keeps the latest representative of each shape reachable through full GCs, and lets the one
// it replaces go (so anchoring never accumulates objects).
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { anchorShape } from '../../../src/spec/shape-anchor.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

describe('anchorShape', () => {
  it('keeps the latest value of a kind alive and releases the one it replaces', async () => {
    const make = (): { refs: WeakRef<{ n: number }>[] } => {
      const first = { kind: 'test', n: 1 }
      const second = { kind: 'test', n: 2 }
      expect(anchorShape('shape-anchor-test', first)).toBe(first)
      const refs = [new WeakRef(first), new WeakRef(second)]
      anchorShape('shape-anchor-test', second)
      return { refs }
    }
    const { refs } = make()
    await tick() // WeakRef targets stay alive until the job that created them ends
    gc()
    expect(refs[1]!.deref()?.n).toBe(2)
    expect(refs[0]!.deref()).toBeUndefined()
    anchorShape('shape-anchor-test', undefined)
    await tick()
    gc()
    expect(refs[1]!.deref()).toBeUndefined()
  })
})
