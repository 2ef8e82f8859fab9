#!/usr/bin/env python3
"""A real bovine-herd server (bovine 0.5.19, from PyPI) on loopback, for Palisade's interoperability tests.

It runs bovine-herd's own Quart application unchanged — WebFinger, actors that answer 401 to unsigned
fetches, inboxes that verify HTTP signatures and process Accept/Create/Undo the way bovine does — and
adds a small `/control` blueprint through which the Swift test asks the bovine actor to act:

    GET  /control/actor                  -> {"id", "inbox"} of the actor `cow`
    POST /control/follow {"handle", "origin"}
                                         -> WebFinger lookup of handle (acct:) on origin, signed fetch of the
                                            actor, a Follow through bovine's outbox processing
                                            -> {"actor", "actorDocument", "follow"}
    POST /control/flag {"object": [...], "content", "to"}
                                         -> a Flag through bovine's outbox processing -> {"flag"}
    GET  /control/following              -> {"items": [...]} bovine's following collection
    GET  /control/inbox                  -> {"items": [activity…]} bovine's inbox collection, resolved

Nothing can be fetched from the internet here, so the JSON-LD contexts bovine needs are loaded into its
context cache from the files bundled with pyld 3.3.0 (installed beside the virtualenv by `make test`,
since bovine itself pins pyld < 3). Usage: bovine_peer.py --workdir DIR [--contexts DIR]; prints `PORT n`
and serves until standard input closes.
"""

import argparse
import asyncio
import json
import logging
import os
import socket
import sys
from pathlib import Path

# The context documents bovine asks for, mapped to the file pyld 3.3.0 bundles for each.
BUNDLED = {
    "https://w3id.org/security/v1": "security-v1.jsonld",
    "https://w3id.org/security/v2": "security-v2.jsonld",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
}


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", required=True, help="folder for bovine's SQLite files")
    parser.add_argument(
        "--contexts",
        default=str(Path(sys.prefix) / "pyld-3.3.0" / "pyld" / "documentloader" / "frozen" / "bundled"),
        help="pyld 3.3.0's bundled context folder",
    )
    return parser.parse_args()


def preload_contexts(contexts: Path):
    """Puts the bundled contexts into bovine's JSON-LD cache, so no lookup leaves the machine."""
    from bovine.jsonld import jsonld_cache

    for url, name in BUNDLED.items():
        path = contexts / name
        if not path.is_file():
            sys.exit(f"bovine_peer: missing JSON-LD context {path} (make test installs pyld 3.3.0 there)")
        if jsonld_cache.retrieve(url) is None:
            jsonld_cache.add(url, json.loads(path.read_text(encoding="utf-8"))["@context"])


def build_app(port: int):
    from quart import Blueprint, Quart, current_app, request

    from bovine_herd import BovineHerd
    from bovine_process import handle_outbox_item, process_outbox_item
    from bovine_process.types import ProcessingItem
    from bovine_store import BovineAdminStore
    from bovine_store.store.collection import collection_all
    import bovine.clients

    origin = f"http://127.0.0.1:{port}"
    app = Quart(__name__)
    BovineHerd(app, db_url="sqlite://bovine.sqlite3")
    control = Blueprint("control", __name__, url_prefix="/control")
    state = {}

    @app.before_serving
    async def register_actor():
        admin = BovineAdminStore(domain=origin)
        state["bovine_name"] = await admin.register("cow")
        # The socket already listens; the test may start once the actor exists.
        print(f"PORT {port}", flush=True)

    async def cow():
        return await current_app.config["bovine_store"].actor_for_name(state["bovine_name"])

    async def send(actor, activity: dict) -> str:
        """bovine's own outbox path: assign an id, store, then deliver (signed) to the recipients."""
        item = ProcessingItem(actor.actor_id, activity)
        item = await handle_outbox_item(item, actor)
        await process_outbox_item(item, actor)
        return item.data["id"]

    @control.get("/actor")
    async def actor_info():
        actor = await cow()
        return {"id": actor.actor_id, "inbox": actor.actor_object.inbox}

    @control.post("/follow")
    async def follow():
        body = await request.get_json()
        actor = await cow()
        actor_id, _ = await bovine.clients.lookup_uri_with_webfinger(
            actor.session, "acct:" + body["handle"], domain=body["origin"]
        )
        if actor_id is None:
            return {"error": f"WebFinger found no actor for {body['handle']}"}, 404
        document = await actor.retrieve(actor_id)
        if document is None:
            return {"error": f"could not fetch {actor_id}"}, 502
        activity = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "Follow",
            "actor": actor.actor_id,
            "object": actor_id,
            "to": [actor_id],
        }
        follow_id = await send(actor, activity)
        return {"actor": actor_id, "actorDocument": document, "follow": follow_id}

    @control.post("/flag")
    async def flag():
        body = await request.get_json()
        actor = await cow()
        activity = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "Flag",
            "actor": actor.actor_id,
            "object": body["object"],
            "content": body.get("content", ""),
            "to": [body["to"]],
        }
        return {"flag": await send(actor, activity)}

    @control.get("/following")
    async def following():
        actor = await cow()
        return {"items": await collection_all(actor.actor_id, actor.actor_object.following)}

    @control.get("/inbox")
    async def inbox():
        actor = await cow()
        ids = await collection_all(actor.actor_id, actor.actor_object.inbox)
        items = [await actor.retrieve(item, include=["object"], skip_fetch=True) for item in ids]
        return {"items": [item for item in items if item is not None]}

    app.register_blueprint(control)
    return app


async def serve(app, listener: socket.socket):
    from hypercorn.asyncio import serve as hypercorn_serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"fd://{listener.fileno()}"]
    config.accesslog = "-"
    config.errorlog = "-"
    shutdown = asyncio.Event()
    loop = asyncio.get_running_loop()
    # The test holds our standard input open; closing it (or the test ending) stops the server.
    loop.add_reader(sys.stdin.fileno(), lambda: shutdown.set() if not sys.stdin.buffer.read1(1) else None)
    await hypercorn_serve(app, config, shutdown_trigger=shutdown.wait)


def main():
    arguments = parse_arguments()
    os.makedirs(arguments.workdir, exist_ok=True)
    # bovine opens its JSON-LD cache and its database in the working directory.
    os.chdir(arguments.workdir)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="bovine %(levelname)s %(name)s: %(message)s")
    preload_contexts(Path(arguments.contexts))

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    app = build_app(port)
    asyncio.run(serve(app, listener))


if __name__ == "__main__":
    main()
