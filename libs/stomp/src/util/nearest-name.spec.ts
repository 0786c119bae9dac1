import { editDistance, nearestName } from './nearest-name.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['brokerPrefix', 'brokerPrefixes', 2],
    ['flaw', 'lawn', 2],
    ['same', 'same', 0],
    ['paht', 'path', 1],
    ['hots', 'host', 1],
    ['ca', 'abc', 3],
  ])('%j to %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('nearestName', () => {
  const known = ['endpoint', 'appPrefixes', 'brokerPrefixes', 'heartbeat', 'maxFrameSize', 'sockJs'];

  it('suggests the closest known name for a typo', () => {
    expect(nearestName('brokerPrefix', known)).toBe('brokerPrefixes');
    expect(nearestName('endpoints', known)).toBe('endpoint');
    expect(nearestName('heartBeat', known)).toBe('heartbeat');
    expect(nearestName('sockjs', known)).toBe('sockJs');
    expect(nearestName('maxFramSize', known)).toBe('maxFrameSize');
    expect(nearestName('endopint', known)).toBe('endpoint');
  });

  it('suggests nothing for a name unlike any known one', () => {
    expect(nearestName('database', known)).toBeUndefined();
    expect(nearestName('x', known)).toBeUndefined();
    expect(nearestName('anything', [])).toBeUndefined();
  });
});
