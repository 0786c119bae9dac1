import { createRequire } from 'node:module';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';

const requireHere = createRequire(import.meta.url);
const { layeringRules } = requireHere('../../libs/stomp/layering-rules.cjs') as { layeringRules(root: string): unknown[] };

/** The violations dependency-cruiser finds under `root` with the library's layering rules. */
async function cruiseUnder(root: string): Promise<ICruiseResult> {
  const { output } = await cruise([root], {
    validate: true,
    ruleSet: { forbidden: layeringRules(root) } as never,
    exclude: { path: '\\.(spec|testing)\\.ts$' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  });
  return output as ICruiseResult;
}

function describeViolation(violation: IViolation): string {
  const path = violation.cycle?.map((step) => step.name).join(' → ') ?? `${violation.from} → ${violation.to}`;
  return `${violation.rule.name}: ${path}`;
}

describe('the library layering (libs/stomp/layers.cjs)', () => {
  it('has no import circle and no import from a lower stage to a higher one', async () => {
    const { summary } = await cruiseUnder('libs/stomp/src');
    // A cruise that resolved nothing would pass vacuously.
    expect(summary.totalCruised).toBeGreaterThan(100);
    expect(summary.violations.map(describeViolation)).toEqual([]);
  });

  it('finds an upward import and a circle, type-only ones included (the rules can fail)', async () => {
    const found = (await cruiseUnder('test/architecture/fixture/src')).summary.violations.map(describeViolation);
    expect(found).toEqual(
      expect.arrayContaining([
        'no-upward-import-from-broker: test/architecture/fixture/src/broker/broker.ts → test/architecture/fixture/src/session/session.ts',
        expect.stringMatching(/^no-circular: test\/architecture\/fixture\/src\/protocol\/(a|b)\.ts → .*protocol\/(a|b)\.ts/),
      ]),
    );
  });
});
