import { corpusTables } from '../test/support/corpus/manifest.js'
import { duckdb } from '../test/support/corpus/duckdb.js'
import { duckdbTestFiles, runDuckdbExpected } from '../test/support/corpus/duckdb-expected.js'
const tables = corpusTables()
const files = duckdbTestFiles()
let pass = 0, fail = 0, na = 0
for (const t of tables.filter((x) => x.source === 'duckdb-iceberg')) {
  for (const f of files) {
    const c = await duckdb()
    const res = await runDuckdbExpected(c, tables, t, f)
    for (const r of res) {
      if (r.status === 'pass') pass++; else if (r.status === 'fail') { fail++; console.log('FAIL', t.dir, r.file, r.line, r.detail.slice(0, 300)) } else na++
    }
  }
}
console.log({ pass, fail, na })
