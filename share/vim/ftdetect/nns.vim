" Vim filetype detection for nnsh scripts (*.nns, or a #!/usr/bin/env nnsh line).
" Install: copy share/vim to ~/.vim (or add it to 'runtimepath').
autocmd BufNewFile,BufRead *.nns setfiletype nns
autocmd BufNewFile,BufRead * if getline(1) =~# '^#!.*\<nnsh\>' | setfiletype nns | endif
