#!/bin/sh
# Entrypoint of the gopherlab image: on a learner's first start, copy the
# learner release into ~/gopherlab and trust its notebooks for them, and
# seed their Go build cache from the image's warm one; then run the command
# (jupyterhub-singleuser under Zero to JupyterHub, or anything else).
set -e
if [ ! -e "$HOME/gopherlab" ] && [ -d /opt/gopherlab/release ]; then
	cp -R /opt/gopherlab/release "$HOME/gopherlab"
	chmod -R u+w "$HOME/gopherlab"
	find "$HOME/gopherlab" -name '*.ipynb' -exec python3 -m nbformat.sign {} + >/dev/null 2>&1 || true
fi
if [ ! -e "$HOME/.cache/go-build" ] && [ -d /opt/gopherlab/gocache ]; then
	mkdir -p "$HOME/.cache"
	cp -R /opt/gopherlab/gocache "$HOME/.cache/go-build"
	chmod -R u+w "$HOME/.cache/go-build"
fi
exec "$@"
