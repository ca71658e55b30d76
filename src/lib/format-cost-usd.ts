/** US dollars as a plain decimal (no exponent), to the millionth of a cent. */
export function formatCostUsd(costUsd: number): string {
  return costUsd.toFixed(8).replace(/\.?0+$/, '') || '0';
}
