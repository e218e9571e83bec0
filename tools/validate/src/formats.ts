/**
 * String and number formats that the Kubernetes API server checks (kube-openapi's format registry), and
 * the `resource.Quantity` syntax. Unknown formats are ignored, as the API server ignores them.
 */
import { isIPv4, isIPv6 } from 'node:net';

const QUANTITY = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

/** Whether `s` is a Kubernetes quantity such as `250m`, `1.5Gi` or `1e3`. */
export function isQuantity(s: string): boolean {
  return QUANTITY.test(s);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const DURATION = /^[-+]?(?:\d+(?:\.\d+)?\s*(?:ns|us|µs|ms|s|m|h|d|w)\s*)+$|^0$/;
const MAC = /^(?:[0-9A-Fa-f]{2}[:-]){5,19}[0-9A-Fa-f]{2}$/;

/** Whether a string is an IPv4 or IPv6 CIDR. */
export function isCidr(s: string): boolean {
  const m = /^(.+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const bits = Number(m[2]);
  if (isIPv4(m[1])) return bits <= 32;
  if (isIPv6(m[1])) return bits <= 128;
  return false;
}

/**
 * Checks a string against a format; returns an error message or undefined. `int-or-string`, numeric
 * formats and unknown formats are not string formats and pass.
 */
export function checkStringFormat(format: string, s: string): string | undefined {
  const bad = (what: string): string => `value ${JSON.stringify(s)} is not a valid ${what}`;
  switch (format) {
    case 'date-time':
    case 'datetime':
      return RFC3339.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T'))) ? undefined : bad('RFC 3339 date-time');
    case 'date':
      return DATE.test(s) && !Number.isNaN(Date.parse(s)) ? undefined : bad('date (YYYY-MM-DD)');
    case 'byte':
      return BASE64.test(s) ? undefined : bad('base64 string');
    case 'uuid':
      return UUID.test(s) ? undefined : bad('UUID');
    case 'ipv4':
      return isIPv4(s) ? undefined : bad('IPv4 address');
    case 'ipv6':
      return isIPv6(s) ? undefined : bad('IPv6 address');
    case 'cidr':
      return isCidr(s) ? undefined : bad('CIDR');
    case 'hostname':
      return HOSTNAME.test(s) ? undefined : bad('hostname');
    case 'duration':
      return DURATION.test(s) ? undefined : bad('duration');
    case 'mac':
      return MAC.test(s) ? undefined : bad('MAC address');
    case 'uri':
      try {
        const u = new URL(s);
        return u.protocol ? undefined : bad('URI');
      } catch {
        return s.startsWith('/') ? undefined : bad('URI');
      }
    default:
      return undefined;
  }
}

/** Checks a number against a numeric format (`int32`, `int64`); returns an error message or undefined. */
export function checkNumberFormat(format: string, n: number): string | undefined {
  if (format === 'int32' && (n < -2147483648 || n > 2147483647)) return `value ${n} does not fit in int32`;
  if (format === 'int64' && !Number.isSafeInteger(n)) return `value ${n} is outside the range this validator can check exactly (int64)`;
  return undefined;
}
