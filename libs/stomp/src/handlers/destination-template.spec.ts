import { DestinationTemplate } from './destination-template.js';

describe('DestinationTemplate', () => {
  it.each([
    ['/topic/messages', {}, '/topic/messages'],
    ['/topic/room.{roomId}', { roomId: 'kitchen' }, '/topic/room.kitchen'],
    ['{a}/{b}', { a: 'x', b: 'y' }, 'x/y'],
    ['/topic/{a}.{a}', { a: 'z' }, '/topic/z.z'],
    ['/topic/{missing}', { other: 'x' }, '/topic/{missing}'],
    ['/topic/{id:\\d+}', { id: '7' }, '/topic/{id:\\d+}'],
    ['/topic/{}', {}, '/topic/{}'],
  ])('fills %s with %j as %s', (template, variables, expected) => {
    expect(DestinationTemplate.of(template).fill(variables)).toBe(expected);
  });

  it('gives the same filling as a regular expression over the template would, for arbitrary templates', () => {
    const templates = ['/a/{x}/b', '{x}{y}', '/{x}/{y}/{x}', 'plain', '/{x', '/x}', '/{{x}}'];
    const variables = { x: '1', y: '2' };
    for (const template of templates) {
      const expected = template.replace(/\{([^}:]+)\}/g, (whole, name: string) => (variables as Record<string, string>)[name] ?? whole);
      expect(DestinationTemplate.of(template).fill(variables)).toBe(expected);
    }
  });

  it('parses each template once', () => {
    expect(DestinationTemplate.of('/topic/{n}')).toBe(DestinationTemplate.of('/topic/{n}'));
  });
});
