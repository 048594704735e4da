#!/usr/bin/env python3
"""Checks the module graph of docs/architecture.md against the code.

1. The targets in cmake/modules.cmake depend only on the modules below them
   (LAYERS below is the architecture; a new module is added here first).
2. Every file under src/<module>/ and include/warden/<module>/ belongs to
   exactly one target there.
3. Every public header x.h is implemented by x.cc or x_<part>.cc of its
   target (HEADER_ONLY lists the exceptions: types and inline code only).
4. No file includes a header of a target that its own target does not depend
   on (directly or through its dependencies), and no module includes another
   module's private headers (src/<other>/...). The CLI may include every
   public header and the evaluation headers (src/eval/), nothing else private.

Tests, benchmarks and fuzz targets may include anything: they test internals.
Exit status 0 when all holds; otherwise each violation is printed, one a line.
"""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

# Module -> the modules it may build on. "Upward" edges are those not listed.
LAYERS = {
    'core': set(),
    'text': {'core'},
    'lm': {'core', 'text'},
    'watermark': {'core', 'text', 'lm'},
    'guard': {'core', 'text', 'lm'},
    'provenance': {'core', 'text', 'lm'},
    'fairness': {'core', 'text'},
    'eval': {'core', 'text', 'lm', 'watermark', 'guard', 'provenance', 'fairness'},
}

# Public headers that declare only types and inline functions.
HEADER_ONLY = {'include/warden/core/token.h', 'include/warden/core/version.h', 'include/warden/warden.h'}


def parse_modules(path):
    text = open(path, encoding='utf-8').read()
    text = re.sub(r'#[^\n]*', '', text)
    targets = {}
    for m in re.finditer(r'warden_library\((.*?)\)\s*(?=warden_library|\Z)', text, re.S):
        words = m.group(1).split()
        name, rest = words[0], words[1:]
        t = {'DIR': [], 'SOURCES': [], 'HEADERS': [], 'WARDEN_DEPS': [], 'PUBLIC_LIBS': [],
             'PRIVATE_LIBS': []}
        key = None
        for w in rest:
            if w in t:
                key = w
            elif key:
                t[key].append(w)
        targets[name] = {'dir': t['DIR'][0], 'sources': t['SOURCES'], 'headers': t['HEADERS'],
                         'deps': t['WARDEN_DEPS']}
    return targets


def main():
    errors = []
    targets = parse_modules(os.path.join(ROOT, 'cmake', 'modules.cmake'))
    owner = {}  # repo-relative path -> target
    for name, t in targets.items():
        for s in t['sources']:
            p = os.path.normpath(os.path.join('src', t['dir'], s))
            if p in owner:
                errors.append('%s: listed by %s and %s' % (p, owner[p], name))
            owner[p] = name
        for h in t['headers']:
            p = os.path.normpath(os.path.join('include', 'warden', t['dir'], h))
            owner[p] = name
        module = t['dir']
        if module not in LAYERS:
            errors.append('%s: module %r is not in the architecture (scripts/check_includes.py)'
                          % (name, module))
            continue
        for d in t['deps']:
            if d not in targets:
                errors.append('%s: depends on unknown target %s' % (name, d))
            elif targets[d]['dir'] != module and targets[d]['dir'] not in LAYERS[module]:
                errors.append('%s: upward dependency %s -> %s' % (name, module, targets[d]['dir']))
        for p in [os.path.join('src', module, s) for s in t['sources']] + \
                 [os.path.join('include', 'warden', module, h) for h in t['headers']]:
            if not os.path.exists(os.path.join(ROOT, p)):
                errors.append('%s: listed by %s but missing' % (p, name))

        sources = {os.path.basename(x) for x in t['sources'] if x.endswith('.cc')}
        for h in t['headers']:
            p = os.path.normpath(os.path.join('include', 'warden', module, h))
            stem = os.path.basename(h)[:-2]
            if p not in HEADER_ONLY and stem + '.cc' not in sources and not any(
                    x.startswith(stem + '_') for x in sources):
                errors.append('%s: no %s.cc or %s_<part>.cc in %s' % (p, stem, stem, name))

    closure = {}

    def deps_of(name, seen=()):
        if name in closure:
            return closure[name]
        if name in seen:
            errors.append('cycle through %s' % name)
            return set()
        out = {name}
        for d in targets[name]['deps']:
            if d in targets:
                out |= deps_of(d, seen + (name,))
        closure[name] = out
        return out

    for name in targets:
        deps_of(name)

    # Every module file is owned.
    for base in ('src', os.path.join('include', 'warden')):
        for dirpath, _, files in os.walk(os.path.join(ROOT, base)):
            for f in files:
                rel = os.path.relpath(os.path.join(dirpath, f), ROOT)
                if not f.endswith(('.h', '.cc')) or rel.startswith(os.path.join('src', 'cli')):
                    continue
                if rel not in owner:
                    errors.append('%s: belongs to no target in cmake/modules.cmake' % rel)

    include_rx = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
    checked = sorted(owner) + sorted(
        os.path.join('src', 'cli', f) for f in os.listdir(os.path.join(ROOT, 'src', 'cli')))
    for rel in checked:
        path = os.path.join(ROOT, rel)
        if not os.path.exists(path):
            continue
        mine = owner.get(rel)  # None for the CLI
        my_dir = targets[mine]['dir'] if mine else 'cli'
        for inc in include_rx.findall(open(path, encoding='utf-8').read()):
            target_path = os.path.normpath(os.path.join('include', inc) if inc.startswith('warden/')
                                           else os.path.join('src', inc))
            if not os.path.exists(os.path.join(ROOT, target_path)):
                if os.path.exists(os.path.join(os.path.dirname(path), inc)):
                    continue  # same-directory include
                errors.append('%s: includes "%s", which is not in the tree' % (rel, inc))
                continue
            theirs = owner.get(target_path)
            if theirs is None:
                if my_dir == 'cli' and target_path.startswith(os.path.join('src', 'cli')):
                    continue
                errors.append('%s: includes "%s", which belongs to no target' % (rel, inc))
                continue
            their_dir = targets[theirs]['dir']
            private = target_path.startswith('src' + os.sep)
            if mine is None:  # CLI
                if private and their_dir != 'eval':
                    errors.append('%s: the CLI includes private header "%s"' % (rel, inc))
                continue
            if theirs not in closure[mine]:
                errors.append('%s (%s): includes "%s" of %s, which %s does not link'
                              % (rel, mine, inc, theirs, mine))
            elif private and their_dir != my_dir:
                errors.append('%s: includes private header "%s" of module %s'
                              % (rel, inc, their_dir))

    for e in errors:
        print(e)
    print('check_includes: %d targets, %d files, %s'
          % (len(targets), len(owner), 'ok' if not errors else '%d violations' % len(errors)))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
