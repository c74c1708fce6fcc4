/** A class that a registry can build from a spec: its `type` name and a static `fromSpec`. */
export interface Registered<T, C> {
  readonly type: string;
  /** A shorter name it is also known by, such as GradientFlow's "ode" on the command line. */
  readonly alias?: string;
  fromSpec(spec: { type: string; [option: string]: unknown }, context: C): T;
}

/**
 * The classes a folder's index lists, by their `type`, so that model files and the command line learn of a new
 * layer, loss or optimizer from its own file and the line that lists it, never from another `if`.
 */
export class Registry<T, C = undefined> {
  private readonly byType = new Map<string, Registered<T, C>>();

  constructor(
    private readonly kind: string,
    classes: readonly Registered<T, C>[],
  ) {
    for (const c of classes) this.byType.set(c.type, c);
  }

  /** The type names, in the order of the list. */
  get types(): string[] {
    return [...this.byType.keys()];
  }

  /** The names a command line takes, in the order of the list: each type in lower case, or its alias. */
  get names(): string[] {
    return [...this.byType.values()].map((c) => c.alias ?? c.type.toLowerCase());
  }

  /** The class of a type name or alias, compared without case (`adam` finds Adam, `ode` GradientFlow), or undefined. */
  find(type: string): Registered<T, C> | undefined {
    const name = String(type).toLowerCase();
    return this.byType.get(type) ?? [...this.byType.values()].find((c) => c.type.toLowerCase() === name || c.alias?.toLowerCase() === name);
  }

  /** The object a spec describes, such as { type: "Dropout", ratio: 0.2 }. */
  fromSpec(spec: { type: string; [option: string]: unknown }, context: C): T {
    const found = this.find(spec?.type);
    if (!found) throw new RangeError(`${this.kind}: unknown type ${JSON.stringify(spec?.type)}, expected one of ${this.types.join(", ")}`);
    return found.fromSpec(spec, context);
  }
}
