/**
 * Kubernetes resource quantities (`resource.Quantity`: `250m`, `1.5Gi`, `2`, `1e3`), parsed exactly.
 *
 * The syntax and the suffixes are those of k8s.io/apimachinery `pkg/api/resource/quantity.go`: a signed
 * decimal number, then a binary suffix (`Ki`…`Ei`, powers of 1024), a decimal suffix (`n`, `u`, `m`, ``, `k`,
 * `M`…`E`, powers of 1000) or a decimal exponent (`e3`, `E-2`). Values are kept in nano-units as `bigint`, the
 * smallest scale the API server keeps (a finer value is rounded up to it, as `Quantity` does), so sums of CPU
 * and memory never lose precision. No dependency of the project parses quantities (the generated `Quantity`
 * class only builds them).
 */

const QUANTITY = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;
const BINARY: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const NANO = 9;

/** Ceiling division of non-negative `a` by positive `b`. */
function divCeil(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * The value of a quantity in nano-units (`250m` → 250000000n, `1Ki` → 1024000000000n).
 * @returns undefined when `text` is not a quantity
 */
export function parseQuantity(text: string): bigint | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const [, sign, number, suffix = ''] = m;
  const [whole, fraction = ''] = number!.split('.');
  let value = BigInt(`${whole || '0'}${fraction}`); // the number × 10^fraction.length
  let exponent = NANO - fraction.length; // power of ten still to apply
  if (suffix in BINARY) value *= 1024n ** BigInt(BINARY[suffix]!);
  else if (suffix in DECIMAL) exponent += DECIMAL[suffix]!;
  else exponent += Number(suffix.slice(1));
  value = exponent >= 0 ? value * 10n ** BigInt(exponent) : divCeil(value, 10n ** BigInt(-exponent));
  return sign === '-' ? -value : value;
}

/** A CPU amount in nano-cores as Kubernetes writes it: whole cores (`2`) or millicores (`1500m`). */
export function formatCpu(nanos: bigint): string {
  if (nanos % 1_000_000_000n === 0n) return String(nanos / 1_000_000_000n);
  return `${divCeil(nanos, 1_000_000n)}m`;
}

/** A byte amount in nano-bytes in the largest binary unit that divides it (`512Mi`, `1536Mi`, `8Gi`), else bytes. */
export function formatBytes(nanos: bigint): string {
  const bytes = divCeil(nanos, 1_000_000_000n);
  for (const [unit, power] of [['Ti', 4n], ['Gi', 3n], ['Mi', 2n], ['Ki', 1n]] as const) {
    const size = 1024n ** power;
    if (bytes !== 0n && bytes % size === 0n) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
