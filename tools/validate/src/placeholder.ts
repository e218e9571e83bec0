/**
 * A typed stand-in for a KRO `${…}` expression inside a resource template, used when the template is
 * validated against its kind's schema. Its type is inferred from the target field:
 * - `value`: the whole field is one expression; it takes whatever type the target field has
 *   (string, integer, boolean, object or list), so only the field's existence is checked;
 * - `string`: text with embedded expressions; always a string, so the target field must accept strings
 *   (its pattern, format, enum and length cannot be known before evaluation and are not checked).
 */
export class ExpressionPlaceholder {
  /**
   * @param shape `value` for a whole-field expression, `string` for a string template
   * @param source the original string from the template
   * @param expressions the CEL sources inside `${…}`
   * @param valueType the JSON type a whole-field expression yields, when known statically (e.g. a plain
   *   reference to a typed `schema.spec` field)
   */
  constructor(
    readonly shape: 'value' | 'string',
    readonly source: string,
    readonly expressions: readonly string[],
    readonly valueType?: string,
  ) {}
}

/** Whether a value is an expression placeholder. */
export function isPlaceholder(v: unknown): v is ExpressionPlaceholder {
  return v instanceof ExpressionPlaceholder;
}
