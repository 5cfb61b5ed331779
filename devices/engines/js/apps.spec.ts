import { prepareJsRuntime } from '../../../src/guest-scripts';
import { describeApps } from '../script/testing/apps';
import { QuickJsScriptEngine } from './engine';

describe('JavaScript demo apps (firmware/js/apps)', () => {
  describeApps(prepareJsRuntime, (l, h) => new QuickJsScriptEngine(l, h), 'js', '.js');
});
