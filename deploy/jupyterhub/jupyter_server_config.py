# Loaded by every learner's Jupyter server (the hub's spawner points
# JUPYTER_CONFIG_PATH here). Each answer names the Unix user the answering
# server runs as, so a request that reached the wrong learner's server is
# visible: test/scale/hub.sh checks it on every request and websocket, and an
# admin can too (curl -sI https://HUB/user/NAME/api | grep -i x-gopherlab-user).
import os
import pwd

c = get_config()  # noqa: F821 (Jupyter's config loader defines it)
USER = pwd.getpwuid(os.getuid()).pw_name
c.ServerApp.tornado_settings = {"headers": {"X-Gopherlab-User": USER}}


# Kernel websockets drop every default header (jupyter_server 1.x:
# AuthenticatedZMQStreamHandler.set_default_headers does nothing); their
# upgrade answer names the user too. (Written for Debian 12's jupyter_server
# 1.23; elsewhere only the HTTP answers carry the header.)
def name_the_user(handler):
    handler.set_header("X-Gopherlab-User", USER)


try:
    from jupyter_server.base.zmqhandlers import AuthenticatedZMQStreamHandler
except ImportError:
    pass
else:
    AuthenticatedZMQStreamHandler.set_default_headers = name_the_user
