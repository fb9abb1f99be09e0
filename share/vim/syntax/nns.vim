" Vim syntax file
" Language:    nnsh scripts (.nns): the Python-flavoured language of nnsh,
"              the neural-network shell
" Maintainer:  the nnsh authors
" License:     GPL-3.0-or-later
"
" Python's statements and literals, plus nnsh's own names: the tf / np /
" keras namespaces, the teaching built-ins (plot, scatter, show, spiral, ...)
" and the REPL's ":" shell commands at the start of a line.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn keyword nnsStatement    break continue del pass return raise global nonlocal assert
syn keyword nnsStatement    lambda yield with as
syn keyword nnsStatement    def class nextgroup=nnsFunction skipwhite
syn keyword nnsConditional  if elif else
syn keyword nnsRepeat       for while
syn keyword nnsOperator     and in is not or
syn keyword nnsException    try except finally
syn keyword nnsInclude      import from
syn keyword nnsConstant     True False None

syn match   nnsFunction     "\h\w*" display contained

" Built-in functions of the language and of nnsh.
syn keyword nnsBuiltin      print len range enumerate zip map filter sorted reversed sum min max
syn keyword nnsBuiltin      abs round int float str bool list tuple dict set type isinstance
syn keyword nnsBuiltin      repr help dir input open exit quit iter next any all divmod pow
syn keyword nnsBuiltin      hasattr getattr setattr format ord chr hex bin id hash globals
syn keyword nnsNnsh         plot scatter hist plot_boundary show graph grad
syn keyword nnsNnsh         spiral moons circles xor blobs kfold grid_search

" The namespaces tutorials import.
syn keyword nnsModule       tf np keras tensorflow numpy sklearn math random os sys time

" Comments, with the words that mark a lesson's notes.
syn match   nnsComment      "#.*$" contains=nnsTodo,@Spell
syn keyword nnsTodo         FIXME NOTE TODO XXX contained
syn match   nnsShebang      "\%^#!.*$"

" Strings: '...' "..." and triple-quoted, with f/r/b prefixes.
syn region  nnsString       start=+[fFrRbB]\=\z(['"]\)+ end="\z1" skip="\\\\\|\\\z1" contains=nnsEscape,@Spell oneline
syn region  nnsString       start=+[fFrRbB]\=\z('''\|"""\)+ end="\z1" keepend contains=nnsEscape,@Spell
syn match   nnsEscape       +\\[abfnrtv'"\\]+ contained
syn match   nnsEscape       "\\\o\{1,3}" contained
syn match   nnsEscape       "\\x\x\{2}" contained
syn match   nnsEscape       "\\$"

" Numbers: 42, 1_000, 0x1f, 1.5, .5, 1e-3.
syn match   nnsNumber       "\<\d[0-9_]*\>"
syn match   nnsNumber       "\<0[xX]\x\+\>"
syn match   nnsNumber       "\<\d[0-9_]*\.\d*\%([eE][+-]\=\d\+\)\="
syn match   nnsNumber       "\%(^\|\W\)\zs\.\d\+\%([eE][+-]\=\d\+\)\="
syn match   nnsNumber       "\<\d\+[eE][+-]\=\d\+\>"

" Decorators and the matrix-product operator.
syn match   nnsDecorator    "^\s*@\h\w*"
syn match   nnsMatmul       "\s\zs@\ze\s"

" REPL shell commands (:help, :save, :tutor, ...) at the start of a line.
syn match   nnsShellCmd     "^\s*:\%(help\|vars\|time\|load\|save\|export\|history\|reset\|seed\|threads\|tutor\|quit\|q\|exit\)\>.*$"

hi def link nnsStatement    Statement
hi def link nnsConditional  Conditional
hi def link nnsRepeat       Repeat
hi def link nnsOperator     Operator
hi def link nnsException    Exception
hi def link nnsInclude      Include
hi def link nnsConstant     Constant
hi def link nnsFunction     Function
hi def link nnsBuiltin      Function
hi def link nnsNnsh         Function
hi def link nnsModule       Identifier
hi def link nnsComment      Comment
hi def link nnsTodo         Todo
hi def link nnsShebang      PreProc
hi def link nnsString       String
hi def link nnsEscape       Special
hi def link nnsNumber       Number
hi def link nnsDecorator    PreProc
hi def link nnsMatmul       Operator
hi def link nnsShellCmd     PreProc

let b:current_syntax = "nns"

let &cpo = s:cpo_save
unlet s:cpo_save
