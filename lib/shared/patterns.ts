/** Patterns shared by the abstraction schemas (no backslashes: they go into SimpleSchema markers). */
import { DNS_LABEL_SOURCE } from './names';

/** A DNS-1123 label, or the empty string. */
export const OPTIONAL_NAME_PATTERN = `^(${DNS_LABEL_SOURCE})?$`;
/** A DNS-1123 label. */
export const NAME_PATTERN = `^${DNS_LABEL_SOURCE}$`;
/** A fully qualified lowercase DNS name. */
export const HOSTNAME_PATTERN = `^${DNS_LABEL_SOURCE}([.]${DNS_LABEL_SOURCE})+$`;
/** A storage/memory quantity in binary units. */
export const BYTES_PATTERN = '^[1-9][0-9]*(Mi|Gi|Ti)$';

/** A CPU quantity: whole cores, decimal cores or millicores. */
export const CPU_PATTERN = '^([1-9][0-9]*m|[0-9]+([.][0-9]+)?)$';
/** A PostgreSQL identifier that needs no quoting. */
export const PG_IDENTIFIER_PATTERN = '^[a-z_][a-z0-9_]*$';
/**
 * A PostgreSQL identifier that also becomes part of a Kubernetes object name once `_` is replaced by `-`:
 * starts with a letter and ends with a letter or digit (a DNS-1123 label ends with an alphanumeric).
 */
export const PG_OBJECT_NAME_PATTERN = '^[a-z]([a-z0-9_]*[a-z0-9])?$';
/** An HTTP path. */
export const PATH_PATTERN = '^/[A-Za-z0-9/_.~-]*$';
