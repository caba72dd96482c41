/**
 * Name resolution as CPython's unpickler does it (Lib/_compat_pickle.py: IMPORT_MAPPING and
 * NAME_MAPPING, applied to protocol < 3 streams by `fix_imports`). modelgate applies the
 * mapping whatever the protocol: judging a name by what it means can only add findings.
 */
const IMPORT_MAPPING: Readonly<Record<string, string>> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
  Queue: 'queue',
  SocketServer: 'socketserver',
  ConfigParser: 'configparser',
  repr: 'reprlib',
  tkFileDialog: 'tkinter.filedialog',
  tkSimpleDialog: 'tkinter.simpledialog',
  tkColorChooser: 'tkinter.colorchooser',
  tkCommonDialog: 'tkinter.commondialog',
  Dialog: 'tkinter.dialog',
  Tkdnd: 'tkinter.dnd',
  tkFont: 'tkinter.font',
  tkMessageBox: 'tkinter.messagebox',
  ScrolledText: 'tkinter.scrolledtext',
  Tkconstants: 'tkinter.constants',
  Tix: 'tkinter.tix',
  ttk: 'tkinter.ttk',
  Tkinter: 'tkinter',
  markupbase: '_markupbase',
  _winreg: 'winreg',
  thread: '_thread',
  dummy_thread: '_dummy_thread',
  dbhash: 'dbm.bsd',
  dumbdbm: 'dbm.dumb',
  dbm: 'dbm.ndbm',
  gdbm: 'dbm.gnu',
  xmlrpclib: 'xmlrpc.client',
  SimpleXMLRPCServer: 'xmlrpc.server',
  httplib: 'http.client',
  htmlentitydefs: 'html.entities',
  HTMLParser: 'html.parser',
  Cookie: 'http.cookies',
  cookielib: 'http.cookiejar',
  BaseHTTPServer: 'http.server',
  test_support: 'test.support',
  commands: 'subprocess',
  urlparse: 'urllib.parse',
  robotparser: 'urllib.robotparser',
  urllib2: 'urllib.request',
  anydbm: 'dbm',
  _abcoll: 'collections.abc',
  cPickle: 'pickle',
  _elementtree: 'xml.etree.ElementTree',
  FileDialog: 'tkinter.filedialog',
  SimpleDialog: 'tkinter.simpledialog',
  DocXMLRPCServer: 'xmlrpc.server',
  SimpleHTTPServer: 'http.server',
  CGIHTTPServer: 'http.server',
  UserDict: 'collections',
  UserList: 'collections',
  UserString: 'collections',
  whichdb: 'dbm',
  StringIO: 'io',
  cStringIO: 'io',
  exceptions: 'builtins',
};

const NAME_MAPPING: Readonly<Record<string, readonly [string, string]>> = {
  '__builtin__.xrange': ['builtins', 'range'],
  '__builtin__.reduce': ['functools', 'reduce'],
  '__builtin__.intern': ['sys', 'intern'],
  '__builtin__.unichr': ['builtins', 'chr'],
  '__builtin__.unicode': ['builtins', 'str'],
  '__builtin__.long': ['builtins', 'int'],
  '__builtin__.basestring': ['builtins', 'str'],
  '__builtin__.execfile': ['builtins', 'exec'],
  '__builtin__.raw_input': ['builtins', 'input'],
  'itertools.izip': ['builtins', 'zip'],
  'itertools.imap': ['builtins', 'map'],
  'itertools.ifilter': ['builtins', 'filter'],
  'itertools.ifilterfalse': ['itertools', 'filterfalse'],
  'itertools.izip_longest': ['itertools', 'zip_longest'],
  'UserDict.IterableUserDict': ['collections', 'UserDict'],
  'UserList.UserList': ['collections', 'UserList'],
  'UserString.UserString': ['collections', 'UserString'],
  'whichdb.whichdb': ['dbm', 'whichdb'],
  '_socket.fromfd': ['socket', 'fromfd'],
  '_multiprocessing.Connection': ['multiprocessing.connection', 'Connection'],
  'multiprocessing.process.Process': ['multiprocessing.context', 'Process'],
  'multiprocessing.forking.Popen': ['multiprocessing.popen_fork', 'Popen'],
  'urllib.ContentTooShortError': ['urllib.error', 'ContentTooShortError'],
  'urllib.getproxies': ['urllib.request', 'getproxies'],
  'urllib.pathname2url': ['urllib.request', 'pathname2url'],
  'urllib.quote_plus': ['urllib.parse', 'quote_plus'],
  'urllib.quote': ['urllib.parse', 'quote'],
  'urllib.unquote_plus': ['urllib.parse', 'unquote_plus'],
  'urllib.unquote': ['urllib.parse', 'unquote'],
  'urllib.url2pathname': ['urllib.request', 'url2pathname'],
  'urllib.urlcleanup': ['urllib.request', 'urlcleanup'],
  'urllib.urlencode': ['urllib.parse', 'urlencode'],
  'urllib.urlopen': ['urllib.request', 'urlopen'],
  'urllib.urlretrieve': ['urllib.request', 'urlretrieve'],
  'urllib2.HTTPError': ['urllib.error', 'HTTPError'],
  'urllib2.URLError': ['urllib.error', 'URLError'],
};

/** Module and name after the Python 2 → 3 mapping the unpickler applies. */
export function mapPython2Name(module: string, name: string): [string, string] {
  const named = NAME_MAPPING[`${module}.${name}`];
  if (named) return [named[0], named[1]];
  const mapped = Object.prototype.hasOwnProperty.call(IMPORT_MAPPING, module) ? IMPORT_MAPPING[module] : undefined;
  return [mapped ?? module, name];
}

/**
 * Implementation modules that stand for a public one: the import system gives `posix.system`
 * and `os.system` the same function. Used to judge, never to allow.
 */
const MODULE_ALIASES: Readonly<Record<string, string>> = {
  posix: 'os',
  _os: 'os',
  _sys: 'sys',
  nt: 'os',
  _posixsubprocess: 'subprocess',
  _operator: 'operator',
  _io: 'io',
  _pyio: 'io',
  _pickle: 'pickle',
  _functools: 'functools',
  _socket: 'socket',
  _ssl: 'ssl',
  _ctypes: 'ctypes',
  _thread: 'threading',
  _posixshmem: 'multiprocessing',
  _multiprocessing: 'multiprocessing',
  _imp: 'importlib',
  _frozen_importlib: 'importlib',
  _frozen_importlib_external: 'importlib',
  _bootlocale: 'locale',
  _sqlite3: 'sqlite3',
  _winapi: 'subprocess',
  _signal: 'signal',
  _weakref: 'weakref',
  __main__: '__main__',
  __builtins__: 'builtins', // reached by a walk: `__main__` + `__builtins__.eval` is builtins.eval
};

/** The public module an implementation module stands for (`posix` → `os`). */
export function canonicalModule(module: string): string {
  const top = module.split('.')[0]!;
  const alias = Object.hasOwn(MODULE_ALIASES, top) ? MODULE_ALIASES[top] : undefined;
  return alias === undefined ? module : alias + module.slice(top.length);
}
