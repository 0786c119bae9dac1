import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationArguments } from 'class-validator';
import { checkName, normalizeName } from './chat-name.js';

/**
 * A chat name (see `chat-name.ts`): normalised first (NFKC, lower case), then checked; the error
 * says which rule it broke.
 */
export function IsChatName(): PropertyDecorator {
  return (target: object, property: string | symbol) => {
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeName(value) : value))(target, property);
    registerDecorator({
      name: 'isChatName',
      target: target.constructor,
      propertyName: property as string,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && checkName(value).ok,
        defaultMessage: ({ property: name, value }: ValidationArguments) => {
          const check = typeof value === 'string' ? checkName(value) : undefined;
          return `${name}: ${check && !check.ok ? check.reason : 'must be a name'}`;
        },
      },
    });
  };
}
