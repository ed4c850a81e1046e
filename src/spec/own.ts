// Setting keys that come from data: `__proto__` must become an own property, not the prototype.

/** Set `o[k] = v` as an own, enumerable data property, even for `__proto__`. */
export function setOwn<T>(o: Record<string, T>, k: string, v: T): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true })
  else o[k] = v
}
