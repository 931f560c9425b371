/**
 * `true` only when A and B are the same type. Used where a zod schema (background) describes a type
 * that other contexts import without zod: `const check: Exactly<z.output<typeof s>, T> = true`.
 */
export type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
