/**
 * CEL expressions inside typed manifests.
 *
 * RGD templates are built with the generated classes' `manifest()` helpers, whose fields are typed
 * (`replicas: number`, `port: IntOrString`…). KRO fills those fields from `${…}` expressions at run time, so
 * the template holds a string where the type says number. `cel()` is the one place that cast happens.
 */

/** Brand for strings that are KRO expressions. */
export type CelExpression = string & { readonly __cel: true };

/**
 * A KRO expression `${expr}` standing where a value of type `T` goes. The expression is checked by KRO
 * against the field's schema when the RGD is processed, and by `npm run validate` offline.
 */
export function cel<T = string>(expr: string): T {
  if (expr.includes('${')) throw new Error(`cel(): pass the bare expression, not "\${…}": ${expr}`);
  return `\${${expr}}` as unknown as T;
}
