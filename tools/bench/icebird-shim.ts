// A `globalThis.fetch` shim so icebird 0.3.1 (URLs only) can read local tables: file:// URLs, absolute
// paths and mapped prefixes (`s3://bucket/wh` → a folder) are served from disk with HEAD and Range support;
// any other URL goes to the original fetch. Responses are minimal Response-like objects (no streams), so the
// shim adds as little as possible to the reference's time.
import { promises as fs } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Prefix → local folder (or `file://` URL) mappings, longest prefix wins. */
export type PrefixMap = Readonly<Record<string, string>>

type Fetch = typeof globalThis.fetch

/** The local path a URL maps to, or undefined when the shim does not serve it. */
export function localPathOf(url: string, prefixes: PrefixMap = {}): string | undefined {
  const hit = Object.keys(prefixes)
    .filter((p) => url.startsWith(p))
    .sort((a, b) => b.length - a.length)[0]
  if (hit !== undefined) url = prefixes[hit]!.replace(/\/+$/, '') + '/' + url.slice(hit.length).replace(/^\/+/, '')
  if (url.startsWith('file:')) return fileURLToPath(url.startsWith('file:///') ? url : `file://${url.slice('file:'.length).replace(/^\/*/, '/')}`)
  if (url.startsWith('/')) return url // floe and Java write %XX escapes literally in folder names: serve the path as given
  return undefined
}

function respond(status: number, body: Uint8Array, headers: Record<string, string>): Response {
  const bytes = (): ArrayBuffer => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer
  const text = (): string => new TextDecoder().decode(body)
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: status === 404 ? 'Not Found' : status === 416 ? 'Range Not Satisfiable' : 'OK',
    headers: new Headers(headers),
    body: {} as ReadableStream, // truthy, as hyparquet checks `res.body`
    arrayBuffer: async () => bytes(),
    text: async () => text(),
    json: async () => JSON.parse(text()) as unknown,
  } as unknown as Response
}

async function readRange(path: string, start: number, end: number): Promise<Uint8Array> {
  const fh = await fs.open(path, 'r')
  try {
    const buf = new Uint8Array(end - start)
    let off = 0
    while (off < buf.length) {
      const { bytesRead } = await fh.read(buf, off, buf.length - off, start + off)
      if (bytesRead === 0) break
      off += bytesRead
    }
    return buf.subarray(0, off)
  } finally {
    await fh.close()
  }
}

/** Serve one request from disk (HEAD → size; `Range: bytes=a-b` / `bytes=a-` → 206; else the whole file). */
export async function serveLocal(path: string, init?: RequestInit): Promise<Response> {
  let size: number
  try {
    size = (await fs.stat(path)).size
  } catch {
    return respond(404, new Uint8Array(0), {})
  }
  if ((init?.method ?? 'GET').toUpperCase() === 'HEAD') return respond(200, new Uint8Array(0), { 'content-length': String(size) })
  const range = new Headers(init?.headers).get('range')
  const m = range ? /^bytes=(\d+)-(\d*)$/.exec(range.trim()) : null
  if (!m) return respond(200, new Uint8Array(await fs.readFile(path)), { 'content-length': String(size) })
  const start = Number(m[1])
  const end = Math.min(m[2] ? Number(m[2]) + 1 : size, size)
  if (start >= size || end <= start) return respond(416, new Uint8Array(0), { 'content-range': `bytes */${size}` })
  const body = await readRange(path, start, end)
  return respond(206, body, { 'content-length': String(body.length), 'content-range': `bytes ${start}-${end - 1}/${size}` })
}

/** Install the shim on `globalThis.fetch`; returns a function that restores the previous fetch. */
export function installFetchShim(prefixes: PrefixMap = {}): () => void {
  const original: Fetch = globalThis.fetch
  const shim = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const path = localPathOf(url, prefixes)
    return path === undefined ? original(input, init) : serveLocal(path, init)
  }
  globalThis.fetch = shim as Fetch
  return () => {
    globalThis.fetch = original
  }
}
