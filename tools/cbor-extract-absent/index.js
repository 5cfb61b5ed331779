// See package.json: cbor-x treats this failure as "no native acceleration".
throw new Error('cbor-extract is replaced by a stand-in; cbor-x uses its JavaScript decoder');
