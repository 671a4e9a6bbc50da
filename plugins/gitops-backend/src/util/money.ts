/** An amount rounded to cents, as every cost in an answer is. */
export const roundCents = (v: number) => Math.round(v * 100) / 100;
