import { create, createUnitDependencies, unitDependencies } from 'mathjs';

/**
 * Unit conversion through mathjs's unit system (its own instance, so nothing global is
 * changed). A mapping names units as mathjs does (`degF`, `degC`, `km/h`, `hPa`, `mm`,
 * `in` …); `mph` and `inHg`, common in weather and US exports but absent from mathjs, are
 * added here. Every unit mathjs knows between the same quantity works.
 *
 * The declaration is compiled ONCE into `y = offset + x * scale` (every mathjs conversion
 * between two units is affine), so a record pays two float operations, not a unit parse.
 */

const math = create({ ...unitDependencies, ...createUnitDependencies });
math.createUnit('inHg', '3386.38866667 Pa');
math.createUnit('mph', '1 mi/h');

export type Conversion = (value: number) => number;

/** The conversion function, or the problem with the two units (unknown, not the same quantity). */
export function compileConversion(from: string, to: string): Conversion | { problem: string } {
  try {
    const at = (x: number): number => math.unit(x, from).toNumber(to);
    const offset = at(0);
    // A large probe keeps the float noise of the scale far below any sensible rounding.
    const scale = (at(1e6) - offset) / 1e6;
    return (x) => offset + x * scale;
  } catch (e) {
    return { problem: `cannot convert ${from} to ${to}: ${(e as Error).message}` };
  }
}
