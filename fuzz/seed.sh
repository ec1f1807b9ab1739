#!/bin/sh
# Seed each fuzz target's corpus from the project's fixtures and examples.
set -eu
cd "$(dirname "$0")"
for t in retro_file markdown tokenizer book_toml; do mkdir -p "corpus/$t"; done
find ../tests/fixtures ../retros -name '*.md' | while read -r f; do
    name=$(echo "$f" | tr '/.' '__')
    cp "$f" "corpus/retro_file/$name"
    cp "$f" "corpus/markdown/$name"
    cp "$f" "corpus/tokenizer/$name"
done
find .. -name book.toml -not -path '*/target/*' -not -path '*/fuzz/*' | while read -r f; do
    cp "$f" "corpus/book_toml/$(echo "$f" | tr '/.' '__')"
done
echo "seeded: $(ls corpus/retro_file | wc -l) retro files, $(ls corpus/book_toml | wc -l) book.toml files"
