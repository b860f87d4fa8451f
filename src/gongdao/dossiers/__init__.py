"""Outside help (stage 4): dossiers for 12315, the market regulator, the tax bureau, the media and
an internet court — an A4 PDF and a signed, streamed ZIP that anyone can verify offline — and the
referrals the consumer records after filing them."""
