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
/** An HTTP path, or the empty string. */
export const OPTIONAL_PATH_PATTERN = '^(/[A-Za-z0-9/_.~-]*)?$';
/**
 * An environment variable name as every Kubernetes API server accepts it: k8s.io/apimachinery
 * pkg/util/validation `IsEnvVarName` (`[-._a-zA-Z][-._a-zA-Z0-9]*`, and `hasChDirPrefix`: not `.`, not `..`,
 * not starting with `..`). Kubernetes 1.34+ accepts more (RelaxedEnvironmentVariableValidation: any printable
 * ASCII but `=`); the strict rule is the portable one. Written without lookahead: a first character other than
 * `.`, or `.` followed by a character other than `.`.
 */
export const ENV_NAME_PATTERN = '^([-_a-zA-Z]|[.][-_a-zA-Z0-9])[-._a-zA-Z0-9]*$';
/**
 * A key of a ConfigMap or Secret: apimachinery `IsConfigMapKey` (`[-._a-zA-Z0-9]+`, at most 253 characters,
 * and `hasChDirPrefix`), without lookahead as {@link ENV_NAME_PATTERN}.
 */
export const CONFIG_KEY_PATTERN = '^([-_a-zA-Z0-9]|[.][-_a-zA-Z0-9])[-._a-zA-Z0-9]*$';
/**
 * A ConfigMap or Secret name: a DNS-1123 subdomain (k8s.io/kubernetes pkg/apis/core/validation
 * `ValidateConfigMapName` and `ValidateSecretName` are `apimachineryvalidation.NameIsDNSSubdomain`).
 */
export const SUBDOMAIN_NAME_PATTERN = `^${DNS_LABEL_SOURCE}([.]${DNS_LABEL_SOURCE})*$`;
/**
 * A CronJob schedule in the standard five-field cron syntax or one of its `@` macros, without a time zone: the
 * CronJob controller parses `spec.schedule` with robfig/cron's `ParseStandard`, and the API server refuses
 * `TZ=`/`CRON_TZ=` in it (k8s.io/kubernetes pkg/apis/batch/validation `validateScheduleFormat`; the time zone
 * goes in `spec.timeZone`). The fields themselves are checked by the API server when KRO creates the CronJob.
 */
export const CRON_SCHEDULE_PATTERN = '^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|[-0-9*/,?A-Za-z]+( [-0-9*/,?A-Za-z]+){4})$';
/** {@link CRON_SCHEDULE_PATTERN}, or the empty string. */
export const OPTIONAL_CRON_SCHEDULE_PATTERN = `${CRON_SCHEDULE_PATTERN.slice(0, -1)}?$`;
