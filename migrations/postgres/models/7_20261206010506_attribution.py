from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "attribution_raids" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "viewers" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "by_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "from_room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "to_room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "attribution_raids" IS 'A streamer sent the viewers of their ended live to another live room.';
        CREATE TABLE IF NOT EXISTS "attribution_share_links" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "code" VARCHAR(16) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "product_id" INT REFERENCES "products" ("id") ON DELETE CASCADE,
    "room_id" INT REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "sharer_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_attribution_sharer__ad783f" UNIQUE ("sharer_id", "room_id", "product_id")
);
COMMENT ON TABLE "attribution_share_links" IS 'A short link ``/s/<code>`` to a room or a product, carrying its sharer.';
        CREATE TABLE IF NOT EXISTS "attribution_follows" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "source" VARCHAR(20) NOT NULL,
    "at" TIMESTAMPTZ NOT NULL,
    "room_id" INT REFERENCES "rooms" ("id") ON DELETE SET NULL,
    "share_link_id" INT REFERENCES "attribution_share_links" ("id") ON DELETE SET NULL,
    "streamer_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_attribution_room_id_84a873" ON "attribution_follows" ("room_id", "at");
COMMENT ON TABLE "attribution_follows" IS 'A follow with the visit that led to it (``room`` None: no visit found).';
        CREATE TABLE IF NOT EXISTS "attribution_orders" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "source" VARCHAR(20) NOT NULL,
    "total_cents" BIGINT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "paid_at" TIMESTAMPTZ NOT NULL,
    "buyer_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "room_id" INT REFERENCES "rooms" ("id") ON DELETE SET NULL,
    "share_link_id" INT REFERENCES "attribution_share_links" ("id") ON DELETE SET NULL,
    "order_id" INT NOT NULL UNIQUE REFERENCES "orders" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_attribution_room_id_f499fd" ON "attribution_orders" ("room_id", "paid_at");
COMMENT ON TABLE "attribution_orders" IS 'A paid order with the visit that led to it (source ``direct`` when none did).';
        CREATE TABLE IF NOT EXISTS "attribution_referrals" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "viewer_key" VARCHAR(40) NOT NULL,
    "status" VARCHAR(10) NOT NULL,
    "reason" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "decided_at" TIMESTAMPTZ,
    "coupon_id" INT REFERENCES "coupons" ("id") ON DELETE SET NULL,
    "share_link_id" INT REFERENCES "attribution_share_links" ("id") ON DELETE SET NULL,
    "sharer_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "invitee_id" INT NOT NULL UNIQUE REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "attribution_referrals"."status" IS 'PENDING: pending\nGRANTED: granted\nREFUSED: refused\nOFF: off';
COMMENT ON TABLE "attribution_referrals" IS 'An account created after its browser came through ``share_link``: the sharer';
        CREATE TABLE IF NOT EXISTS "attribution_visits" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "source" VARCHAR(20) NOT NULL,
    "viewer_key" VARCHAR(40) NOT NULL,
    "net" VARCHAR(16) NOT NULL,
    "at" TIMESTAMPTZ NOT NULL,
    "product_id" INT REFERENCES "products" ("id") ON DELETE CASCADE,
    "room_id" INT REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "share_link_id" INT REFERENCES "attribution_share_links" ("id") ON DELETE SET NULL,
    "user_id" INT REFERENCES "users" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_attribution_viewer__5025ba" ON "attribution_visits" ("viewer_key");
CREATE INDEX IF NOT EXISTS "idx_attribution_room_id_33bb64" ON "attribution_visits" ("room_id", "at");
CREATE INDEX IF NOT EXISTS "idx_attribution_user_id_1103da" ON "attribution_visits" ("user_id", "at");
COMMENT ON TABLE "attribution_visits" IS 'One page view of a room or a product with its traffic source (``source``: a value';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "attribution_orders";
        DROP TABLE IF EXISTS "attribution_raids";
        DROP TABLE IF EXISTS "attribution_visits";
        DROP TABLE IF EXISTS "attribution_follows";
        DROP TABLE IF EXISTS "attribution_share_links";
        DROP TABLE IF EXISTS "attribution_referrals";"""


MODELS_STATE = (
    "eJztfWtz4zaW9l9B6UvsLcXT7b5Mr5N3qmRbTjyxLZcvnexGUxREQhbHFKkQpB3Pzvz3Fw"
    "ckxTtFSJREoVE11ROTOIfUAxA49/N/nZljEIse9ebmg/NM7M4J+r+OjWeE/UfuXhd18Hwe"
    "34ELHh5bfDCem5oHw/hlPKaei3WP3ZlgixJ2ySBUd825ZzrwlE4PzYlLHRtbqHd7iTgpmj"
    "gu8qama3w/x673htjjKDqgU+fVRo6tMzbUc1xioCmmU2IcHsGzDEdnDzPtp2bZ+rb5h0/Y"
    "b3oi3pS4jPnv/2CXTdsgfxIa/Tl/1iYmsYwUcKYBDPh1zXub82uXtnfBB8IbjzXdsfyZHQ"
    "+ev3lTx16MNm0Prj4Rm7jYI8Dec32A0fYtK8Q8QjZ403hI8IoJGoNMsG/BZAB18ALxtY6m"
    "3QwetPv+g6Z1chMVUSRADi/pjg2TzF6V8l//BK/w/fH7j3/9+OXD549f2BD+mosrf/1P8O"
    "gYmICQw3Pz0PkPv489HIzgGMeg8v/PwXo2xW4xrtH4DLLslbPIRjhWQRtdiLGN1/U2wJ3h"
    "PzWL2E/elP35+V0Fkl97d2c/9+4OPr87hAc67DMMvtCb8M4xvwVgx+DOXTIx/xSBN6aQEO"
    "D3n2sA/P5zKcBwKw0w34g02F9EQE5TNQP0bjeJ9Dr+WGcdfyxfxx+zMFPdmQvtEguC7a3i"
    "jktw9CIbBvhLDXy/lML7JYuuzt6cYaFhLw/xObvjmTNSDHOaMoO1EZIeRf+xj/sHTOrAtt"
    "7CD6oC+IfL6/79Q+/6Fh43o/QPi+PXe+jDnWN+9S1z9SC71yyYoF8vH35G8Cf638FNn8Pr"
    "UO/J5U+Mxz38bwfeCfueo9nOq4aNxLcfXY1QS826hamn+XSlec/SNjDz4Su3ZeL3ZKIjTC"
    "pn2iUv7MBZZZ7TlGqW2zzL7HN0NSEVJUGxXE/Zh826AVUFlL/Jc6GmAnDl0b1gGqb5ZP9C"
    "3jjIl+yNMNM9C0AN9e7HkM2egfufaPVEV+Ov2cWvC205uajYb2e/mHiBrNa7P+ud9zsc4T"
    "HWn1+xa2gpqOGOc+xkrizG5m/NjmfZK9jGTxwc+BXwziHqV86Tafc8j8zmXqfAGpK6362y"
    "iFgwku2IfGg9q0g5yMoa0S5rBJlh0xJRNBYEm1I0dqfGHX+qo8exUaWaBr+X1jXMuQi6wW"
    "j5oN2AhuzrOqE0D+6p41gE2yVqckyVAXnMyPb3lCqC9XQwuErJcqeXDxl8H69P+3cH7zns"
    "bJAZnFzRrrGvCvNWl7lc+nJOGtyN8DLwvbHz5zX7UjE//3LSS3pApfji8KH1nDnX7GxDrw"
    "S9Or5lIEps4widkxdiOfMZsT0Ek02R6aGJ68wQk18IwrYR/MXEGcREpbwrpymmSnRql+jk"
    "OWImcEl9DBuRmqg//ifRC06bCgt4TCIjyu/q+MrYqHKU3+W8ZWPHeMtD/ED+LNkZovFS4F"
    "t1Uvd/e0gd0hGKB9e93w5TB/XV4OanaHgC9bOrweley1DK6bD3QtQtpvTVcY07QkmhCSg9"
    "oFKImodDNRfGKiOQbJKMcupvwWShToBv5QRIzjr5c24ybivMeppSwlnfk1mu641c5ctWMQ"
    "X7M7/K27y2FKK8zXJ6mznqBSpGNBvlmgX8IKVPyKVP7Nqp3CItYiPWUcOkcwu/aaKpBFk6"
    "Kex4abw/1jGTfiy3kn7MpxREpg9R/ThHKCHcx58+1VrenyqW96cs4q5jlSzrvu3PcnJAOo"
    "AzpN1iGPyLSV6DU04A787Xy/6v/bsTFFAP7fuHu37vGq6wdyUMCXbtenDev+s9DNhFODnZ"
    "mzvsau/8+vLmBGFjZtpZZ+NukkJMpqPqnvlSMGuV0Rgpui3GY0THgYrHkM+mIJklScCXEC"
    "+PdA5r5oMMaS9+uSMW5ujmF0JBxuyeLYMyfar4aI+9GquDlfOmyIgYJZQyvmtC9SsZ3weM"
    "ZMVp4liW8wps1gLqgrORG6RQ/VcgFYPkOs5sTYDuGAtZ4QksYIamT7GnzYJ4wDXhYoqGl4"
    "gs3EuTezVoOwNrL5fYkznxqEaJXSBsi0D1E+NzT2xDbpxcohOm0RWYVRVWyYiLuebP1/z2"
    "Hpz541xWhLBvmB43D6wtbvaA1ZXzJOluHiDlYfcJTkIFVQVUY2zbTFgANY2C4r0uXKec36"
    "+MnaSAuWTuuGxXn2GjyLgnIoRyTrLuVhFOLqGOtfbpVxurfVxS7Buk2hMTEez1tRr2/UmK"
    "Eqh9GkC1LZD28rOb+R5pbDFdM2YyryYO1tZg2sv1hP1A3tQsgo21rXe9gJuka2qBFSWWtU"
    "Ws9nJhjU1jzU/v1JRWGdYdf762knfGmcgNkaZb2FzXGhwAdQacJEfLJQaUrFnfgBBAdrdg"
    "JytuEwvTqUaxxYSqMFBgTdcMMLzHlrQCQ4xYI9/mAi+pP0/HNdZ2+g2Ah6wA8S9Q4VMet+"
    "E6BpMX1w3YCLjICtILdk1srwvS14CLrCCxy8RtxMlwGXOSFayJi32DPVs3G4gBugBm7LyT"
    "1tXgu3Tdjw+yZ06Bj6wrKgh+1l7Yglp7o+KsvgInSVfUBP9BtVfX9Lx1rZ0X+A9ZVxQDSc"
    "M2haiyhkIRGFg9zlBWyKg58y0dCpyzp3imjRs4De8jnucxS1nxwx5jMvYhCq2hiMbegqPc"
    "sY055BRuorg1oUvHsEmtNbIb6xrh77C8VniXTIjrYmtdiEI2ssJEp9glmmXaz+sekcDoiv"
    "GRFalmpHq55HmhGgwxlK/YskhF+PHAJg8O+6dG6s2CkySIpvw+2G0EpDMsbfTV3HUmZlF6"
    "tThKtzErCYFyE+fYukgJnIn7ApVgfZhExl9BlZh0PmB5rZhXMtaSGYh1urNazhN7o+9NG4"
    "1dpmAQ9wg9TAnSHefZJGjqsLdHGLnYNqDcNmS7/gDFup8JmSPHtt4QO8N4P9WiHq3NMldl"
    "bNpVxkaVxVRlMXe7/UpWzECVxRQ5dNs+yxEmqmyiKpvYNvm0ux9lE0MzdYFIHBuwy8XhhM"
    "282eKJvy9KMwBvGtaj6vxDSaM7lEaVmPQtiknRhyh2hmao1DlaUEMt2tbEkM1QKWSXSyjJ"
    "s0RJKVVSSuazLZZUitawgnYZtJnvtk1C4JX5QiqMo8nbleKgxQYKmkcHNkFPzvdAiZwJmC"
    "odZ9YNWg86c2Ijz0HQrzBn+hQhVGbNdgmSbCdwVxMk05QSCpJ7IjjWsrywz2+lSU7SqZYk"
    "bZ7hOcHPWhBCXRBmUbpPZsm2J8O+a/WOGQNrmc+F+VfmUymoCxJp0Pzv4+MPH/56/O7D5y"
    "+fPv71r5++vFvAmr9Vhe/p5U8AceozyWPuEt6aYI49IW9bhmyLZd87m4J/831fQ9AoYY8u"
    "Com8sBxcss7zpBnIJ0C7b0u+AuLzwePpVR/d3vXPLu8vBzfpY4Df5EbSRbX2u37vKtfQwJ"
    "mJmRkSFMrEsNzE4IYVbtfUgSUrlNvN6MCJRSWq/ya0UtP2PaKNff157ZLp15zXKWe1t6Lk"
    "mkGegsYCvkQLrATR0i03DywKSatGW3u17XUrVHnP9Mpa5ZQEJ0UEEvYien9cR1Rio8o72x"
    "znRCXdeSGu5rtC7cxSRNKJpJ9qiaSfKkTST3mRVGdYPDnumxDMCZpNoZzbLUKe1nawbr6d"
    "GdWnxPCt1ex/GVplHmqzeYhJu55fIKHVa6QWU29xA1ssMMGvq3N/9nP//PGqf36CFjyG9t"
    "Xl1/4JAifF0O7fnMNdbt3MujPqnS61DpeKsyX7Jc6IYWINcBY6wjNk0h0vzbenCxFzfFdf"
    "BekFnYJ6KdSBm1V7JkIHeZpKhcxnYM6HzLfIhacOcOXBUzO84gyD14hNnF/YWmiJtymmUy"
    "6n1VxOyn+6qdBKi30GYIIsdzGVB1gW0SqI8+5S3Xmyzci+Xt9dmiLbokTrTCbbEWq/1BC2"
    "vpTKWl9UdqIKu2cPfbVFI8OTJMpnu9xny/HK46sCl9NO2+SyWt1r20zf5kwosiSIp7d71R"
    "pVsOUndEZdt66a7O0+gxaNxGas1l1V31CHxvWA+lZ6M66HktxtGVUDvToN9NZH6FvoCbfu"
    "ti11awCovKeZHlm7ORXjc8nYSLplh42pDNdZt/d37XZn+wuTQqhWp671UJK+Q9c2m03t40"
    "radi+lfcSITok1aeJ4uwdGNc+3vfzaghZBbHd6Uu2BqgXv3aVR7OXC4gW8VE+lGkjtrKfS"
    "XqIFTZXW3Km+iWZKa2Mkdw+lFnSy2cdTcOeNbPYRNN7HRnP8ilYH33wvGw6RuWabPJkR2k"
    "kbm3382lQXm8a62IA4QYnnsWdWAFq/rQaTKsD5cJ9gKRHAAknhyUiDgtzwTCBCeYp4Lvih"
    "XgU5A9sz/OwjtpuQI3QOESrsVyOTIupMvBM0GgVRKxAKNxqhvyQujN/YBbaBILYuiqvMNc"
    "l8efr678kiCexfdvv3ZPHoxN1EeN8/VNZ787GuFVnv5M8C2aci6T0cL2HO+0bKA42x8SSU"
    "KLcgUBlyGXTzGXL7FU+81W1D3nDi+IgSnfQ0pcrmanM2Vyx3iEWO5+hWCh9v2cQ2nvCiaq"
    "g1jKhqzaOq0u1Aue2KVqXLrtkGIJU8Z2Rpt6PiU2t7wLbsrKqLa+6gTqHL3gLdPF5d1cvI"
    "UdHb65sWBc1kkGXSKbCP8evdKsMY5LnU7jgLg6EpggedYLGHLeepi+auqRMDmTbSHdOmRc"
    "1ka9OpKoztskfx/8/BWm4uicZLV+im+Wp1fNELLNnFeCWfFkj8pi5WLSAav0Wz3tA3vnzQ"
    "2b+TL+/31cRH2ZkcxDMIrNw0kSp4kV277NA1Xwq22VPHsQi2i0GNiTKAjhnVphCN9t/tWs"
    "tOB4OrlKHs9DJTAOfm8fq0z5YyX8lxvfoSNbZeVrnK/N2BDMvxKpFjIyyrZdk4Z7u2QHsw"
    "Gv3hY9szPfCqMjHVsRdiKoLQ+EPEmHpo/IYwCmJQoQlY0BnsO4po2ICtVPJt9AGFTW3hRw"
    "fbq2mQ2dzxiK2/8aqD2c62vy9sNyGN8vBuVaKOFoIAtEkSJfwVmXtt09NE5ek0kcK1ANcS"
    "SKvK90kJ6JaL92W38NwEVKg1eVIJQ0OarzrLHmVTzPPYC/1Gj4+X5yURODnKDOC+bxpHQL"
    "+HsFfAzDH+EOiOSW8z/6X7HBey3XUtb2AIF8aFRMgEhUynh4oTaC2igQokhmmKRqFahGq6"
    "IXldXNNUCtnlURix1q+CBqqc26lPdnnYQLQSFbBLgU1/s8uhVXFDjccNPYUu/jUhjSIFJI"
    "U0IVumIL1jYu7d5dlDVWTLJo3eV8R4Im7f9ty3ToHdO3m7W2X6tvjAZB3OeglOY2zBukD6"
    "FNtPJLJNv2KLAfQDsskLcZE/Bw3LQI6LwjCh4nymNXgVGrUDyjpGbSETdpX5SjIr9lYMV+"
    "W2bjbDHhabgAWJTPLflu2H4Xeo4YlXJMRUwZ8jVdOw8jQ8m3bB7lOvRWFE22bjbedhcPt4"
    "y/Y1Z+7Ph/ZPlxcw9ObhBEV+WC+8etc/619+hR6F/I5LdGK+QBfDwd15/0677f3PNafjMS"
    "LaHL/NOO1d/+LxhhG5ZOLbBvz9tX9337uCK+wsodga2r3zvz/ePwTk2PinTz2gzR5PuwmW"
    "Ye8tYrsPh0uXaPilTujcl/LQuS+50LkWOEhaFuadXcq12kV/rmgX/TkH+v64SLYpaCkPif"
    "KQrOohCfQbMStpikYm4WxTNtJYiVzTQPLrgtGeAVzXRJJaWq0ykjw488d5p8A8EtzoVhlG"
    "mHSq+fPaAYEQv4Lm7K3R2PGfph56Nb0pwuiAmjPfgkk/RDr7QSiUUoti/lbiUWgBiXICG7"
    "V/fCvGj42F8MHUFu7a5WJngqTNKt2K8uaHOg3kP5Q3kP+QayCvkmMaTTCYQT9dTSd2UVZm"
    "KahZMoVtUYyk77qwL4vsBkkaGbeDOrtB+WaQ3QvmrvNiFvq5K/bbBI2MCDe/4TIon4jgqZ"
    "YikhDm5uNMQezTLEy9j0I4p6ikMxDWQbkc5BzGLbAOfmvLen9sgyp8esPGQVVWrxHboKpg"
    "tWG7oCq3VMcmuLTc0m4MgqEttsAiGFtpy02CgaGztkkQMPiOBla9MD6iC/FLGNE36pEZwr"
    "oOijKk+QZXRiOoy9xFoxHQsr/g9Q+LTIWN8lbFc9plJwwmTET+jCkacUq3qH5O8xpr+Lnk"
    "4a0R37TdQ3LDdUi2HNY0cZ1/kaL2I1XVSmKiLVYrWVzZq3IlKSkwiJZdQfRPU6q4gLbI/h"
    "FGCeE/3yN4rxQ+Nev7qvG1S1zYhLpXp9JTImUic6AJ1HrK5Gns2VclUO5pmQIdtThqVn1u"
    "1UrdjO68lj7c8w3Tu3KeOgUa8eJet0onxjBKs8JhtVKHgIvLvwsUGHBP0OvUQYZpsP/HTE"
    "V9ZUooo/UcuD4rzhlahYnSc9ul5wYTJ6LnxhSbcq/IVCnWIB42rTy+f78f3JRlUUUUWRnQ"
    "1D30b2SZm2sS3flx4tt8ftHYNy0PSjvDY/+2KWdiBdyAUEr8i2A+uO79lp2Bs6vBaVauAw"
    "anyh+jpHO2YzmC4nmSRLW9aUM5G8kB9SAax9PEFck8oYJ3qQORf97b8yC2DNy6SlByEyxp"
    "KbK7+iB7imlZeZBiSBMft1qtS5DNb4TCbXA26fY+xbZNjF8dN63U5u92q1T9MR+nvbKBtX"
    "3gMJjnYdOwYwvTzU/gP6DCB6xH7rWGrOw3rrCD2m6j0QhujUbQ0hh+SpEHvCHOQ3toj0bA"
    "LLgIxgPebiY0MDAesJKNHxip7bgzbJn/IuFY06NowjQV4qIJuzW0Dygh6IRRnowYjEfwSk"
    "fBgNFhFwWLGs3ZcKo7c8Ie40KeD+PM/4bIwdFIWSpaaKl4DT+OunaKaLyEQaDva7VXfl/R"
    "Xvl9vr1y/GWJoJymkhDrT3Wg/lSO9Kcc0IuNRgTnFJF0HZqaLzOxX4Ye5YdtxtITzZ1oq+"
    "McndKhlc1H7r68LcN2Xf25sLxm/Fkr7XkJrrkdsFXKc9hQtkBxjlvNlivNiZ62dfTloInT"
    "dxQFdFALE3PVFs0IpewFi1ThekRKp2yXTskWPRXzfscUEuo6x7X0yuMKvfI4r1eyfdXzC0"
    "K06hVTjKm3mDrLVC1b0OPdGdz2b04QUEKxw/vBFa+ZyERbx+LlEs8v768v7+/homHSmUlp"
    "oDIL6/51gvHflwfjv88F48M7i6qjSRrZ0h2aDwLhq8AXDbRJU0mXOX5cb6+p2GoKYX5ZSe"
    "nPkDag9bdTDmy7kl8QYl+u5e+HbUcF8TRi2gnFaDEDRJpIpVYXWXW4viIadZKhUsgWIhue"
    "KaLWyDyhsp61wRwp44KtsEeGm2cDpjMm43rXMbc9g7muCS192Kh+Sjsw+EbH0vbMvXsLa/"
    "oArwPt4lBSxvSl4GYP8HZZ09kndYrtTpE5PbzVrbSnwyc5xnZNi/qi2olJURC/hiauM+PW"
    "cY/BDQFji5gw3/ZMi/0bDMxb2tdlVliqOdqJeZylqs+8S4v8fun2Km6jGeVeVENSilHuk1"
    "KK0eYQVQX9pAp9aRu4G1GFVI3ERuo8pE8ppfkswbO9Cs+1z9+lUOPh97pLVZ4ZGyaq88zw"
    "G7IdLwgFyusmbBz8P/v7IMiZeeW5KTAGYdvgNSYLik82z17pRbs/ILsVehGfR1GVaEEkoT"
    "a0J9qPhA5tpfQqpbcl+6VSepXS225EldKrlN62QaqU3m9B6e35eviDC8pKLmr4VVWV5INq"
    "KrxQD5LNW5j48oJdE9seCnkQAxk+QM1uWeYLIw+6qjL15Htqm3N2p7jC5FocoazEwzRkYh"
    "H8QiivKhGy+o4i6jn6c1CUAm6EvNll7Hr0iGnPQbM/T5u7pk6403Fow0jGzYCHj00DHcAF"
    "ToL4sFD1hqsT06UeDDqE0hUvxKWMPWPDtHX7ib0Nf2deHmNoY10nc/ZlcJ7UQWzVhU+HKx"
    "Rhl7Brszn7/++Z6v49JR4KCoVTlVrUQoVd9ZbM95GoEfAv0FuSf3PBp5kHuaqRRIZQJll1"
    "y/0kTFt3CbTBFpuAFJmCf2X4U8eT2BTkSNU0rDwN7HzWeKcnEWNOkkaadjaNGR9CWUkA0A"
    "SFgjMLZyDRrmBfThFKaF7eE3NyLS8CsY1VpjhBJl9CnFTz+6dHbNjjNErYzzQKcupLd8dC"
    "2u3tk+8/7c9G6RVIUvVrFRTJUpvM1QbjR0cM3M7V5df+CTebDO37wdX5CaKOZQztx5vgL9"
    "8O/r7rX/V790EZA4vgVQsW1KtVWFGqUNV2U+5S9ksth6426UlCldnf5iMO7KqiXscUjXKN"
    "5880xxXGNEmiIM1DOncdw9c9MVDTRDLZW1QUR2sRpcSyRL/+FI1Ctcg8FbgQxWBNEylcVY"
    "TMDiJkwkOoAVRvY06SAps+sJdjG37gDWD7NeYkKbbpzXA5tsGZ1AC0ksd2pc7u5bAGytP2"
    "YG2ZXlAX1ZSOWaNvE9efGkB1EPGRE9akmikcO5fyv67ZAvw0eAdJ9oSC1t/NhRUCVEUNrM"
    "xlnavM2h2roJ10HAxXUG27YIAKf2tX+BueFQdEVMWkxDQyKUdbDkahU3MO4a956MtbTidp"
    "VNPplLH822s6rfxVzfirwmhywb7TKSKZtkGVl9YqRCusbjjODllTfUnkmewZxHU1mPT3qh"
    "LUtpSgtpuMqjNc3IOIX+9WKT86rtt/qBxLpeG0S8MJkq9WkerSlEqqa4tUVxCiEr59q6SP"
    "vf+qcrJHHSOf6ZHZmlY+2KcvGZs9/KIETH3LhI2BTR4c9s+GRY2drtLNCBprCw988ZUIEN"
    "HCrBYitMVn0Kwk8TvnDnwjJ6Yq97VL4eIPH1LZvYLs4VJokyRbjOxvNcAJpdYwVpLVknRK"
    "UmuLpFYrXpxvlyKbU4JC2YlaEZ3ZMr+2CiNsL64VBs1ItFnT6BaZefYM3LqycGL3U6FuTQ"
    "IrGuq23ajXlm2x6wa97rrq1pnjz4uLboV3upUqHh9Tu1P9jLhQSgpKWRkm5eUkkM64MhKT"
    "zR060AmD9RA5LpR9hj/COlmWOTM9yktAY3bFNpzXoqb2jfKHclw9FPxCZLjOfM44sAl2wh"
    "JeQVXqg9EI7mmcw2iEKPEOkY5t5DAhFY0JlKw20Pgtrq81tDMkLyZ5JS5Fr1MH6RY2Z8j0"
    "0AFGJ+wPSk9GwUScwZ0RIlifVlTAjhDo8JVqEKUW77aoFkxBDtaKglrheBmLadXpA/+hvA"
    "/8h1wf+Gf2u4rBXZ76HtG2GejOxeVvkMzO966hfdu/O+vfPJxEW1d2/6szCV9qzMGX0in4"
    "kp0BFTS300Ja+1Csr/N4f97ZzgZTZ3+pX61vZtoanRPb0LjQILbIC4ilKfK07fjQtpSCaq"
    "fi0XbLZ4GPOm/6bEUlKDW/G5tf2KeZHiRSACpJokyxBRUdiKtxbzDXIgWAzRMq51tByK54"
    "hcw0kTTHfWOgxjYPAVDTRGojKFAFwC60wnLN0akVW7Ri5yt54dOUSjhps3DCt5gVJdAsrZ"
    "rpNs+0yaZJ98IClBll3nEsgu0Sa3eSLjPFY0a4qX0ysoRvd1pPB4Or1IyeXmaU9JvH69P+"
    "3cF7PpVskOmVmalUIuE3GMjEN0Xx2JssmRL28h9U5N4TQzZDJZPdXcWKtQnQipimpGNaJR"
    "NWRYpkvlYVf7Ol+JvCI0zhugTX7Km9RlkkbpFYN2UqjpWRaItIf+7EILP5otXhuljdLdjJ"
    "Chiv2rUmVpIVNkurxfYL0+A0lwAYa+J0RybEdXEdlXhfoNp89GWwXZWGYC52s2VxmFq8g9"
    "aJxgziDlFoCEZ4EeQYxjweODaBYKNw4GFRxOVKPIrz+RbhpjwNVMUt7jRuURluvkHDTbiL"
    "iOWgJWmUZUHVf9pButTi5Fg3YWrBaM8Arp0ylfxYVfEnuYs/ZbW7UvkyrQEuFTIz+udySX"
    "Ng8ywY5EyYfBjKheM3BDkyoFVB33pqOZAJc/D+6Cgdn3SIZviZUJ49w+58Hy3JlBja9AOG"
    "Nr+Fpo5lIJ+tPjfubq+/sVXw6sDzKOT52I6HPMaBM6AMXgSPqi3msv+H8Urc3am4y6egPq"
    "zRcBU4l4uYCbPuVomZz9PKJPxsO0FEKXBKgVMKnFLgWonoLjo8yifRKJVYqcTtBLVRlXhp"
    "lyLBApF1XXnt2jDqQl/aomgDJSIvLEyn95ijlbMtxDe7VUaFCQzTKBtX22/FlXNioKiAIO"
    "j94GYK69YgzP6HgCOau6ZO0MRx4cLUcb2K2iENcIWKIaNRxGA0QmzpQFURl3ATgY0mrjPj"
    "hoKQ6XcUUc/Rn9HrlN0NLAjsASZFoRT+AzB0yYxNOHtRxpFrSBSxp9lB5RKoB4LmPoQMUQ"
    "JVQ9gKMUwAC1soKNx8yOuaPDmEIph35DlDu+ixEMcO9Uxc4vmuTQz2OJfobEFRNHVeEVsG"
    "b6X+O2W+2KH5gi/IVVTuDKFMsqoqyLDzgi/N1mNoTR2AtqG+J/aLWhk6rSgEUGOCdyD5ST"
    "G/e1MmuvXSQDIeNBQPBUBN0ShUVX2FbS/ZQMMQWrExicpULyiS5JUUGlxeC29BvMWqYFaY"
    "TSsAbufq8mv/hJfeHNr9m3MojccO/mBJ7LgQnnK3leMur7uNr77VxFVVG2LXE1xLXo2+zv"
    "GboFM1S6dkrCIZy3UMXxdMZk4TKVxbkcssO6Kq8cVW3NbbzbhtG7jrpjIXOqzD7bIBVG9j"
    "TpICmz5aVFORJrEVbSoSS1ANwCt5uEVO2hQNumg2B3/h+ZcuDX+T+RoZ1KoiKmokBMdhFU"
    "JJwTyTwjYh1GHsvxEXjR3/aeoh0w6DHyCXwh6NIEQB4gb4IIhisByvKLniJGubaf4JQxuG"
    "BUuHkR4Ajy6kZ7hdZB8yRvn8DlSV3lGeukHDYJYoBsxWWRs7DXsoiG8sxbRou/p2RfBU9Q"
    "fI5nI8WPraMxEKYCgg3aIJWdB8vGIUw/t372qYitmoUmMxv6fMxcpcvIuo95bZhhv3e4GA"
    "I4RogkIdByrZZfs2rkiKXFOlTYVX7xnCdfXaxLeqMjO2lJmRO7AawFSy4mlZTEtTLnbd2z"
    "XAvcCSsJiQcgNCXDSvntUg0tM5XZDoANkTUTHTfMZFXaJCVZwTwt2sCqI08p3WUfCw5xdY"
    "D+vHIflFiQiNaZE5rDvQoy8MgxQJRbrt35xf3vwEvTg5/dC+7V2esz+xaQzt+58vb28hPI"
    "lOTSiGN7TP+xC8dAfX2JdmvhAXrp4Nrm+v+g9wVXdmc9g24Grv5qx/dcWvAk6WBVf7v91e"
    "cnry59zk1Hf9i8cgCsolE3/VQKj3ddqyvi9vy/o+15ZVpUJsPBXCH3uOh61VUn7ytDIJ7V"
    "vO+tnXcieSdQiFXZa91kqfQ45WzcJqs7DyjqS2o6Y/hDz+f78f3FR/AEXmZFP30L+RZdKN"
    "TUHnRya56IAu0wVMyzNtegSP/dumjPsVGANGKUtydAIfXPd+yx7OZ1eD06yJGBicSuJd2Z"
    "po9KWOe+VLuXflS865MsdvM7aZaDOmLzoFWl454nlK+dxZn+uI+1knSULc/5yFG2wDz3CC"
    "Mv1uXGQuKse7gFQ6wD9/rAH454+lgMOtNOCBArhSmmyKUmXKtjnzACwJK0xxgkxllrR5fk"
    "PT0Cr1DFKUapbbPMsLY98qvWUztGqm2zzTCwPuKkE9GVo1062e6cgov8pMZ2jVTLd5piO/"
    "ygoTnSFV89zmed6vcMytOozljcYMaiOuMulpShWD25ZZL/jWc70OeeCIWHxjkkQm50RjIa"
    "O7qTrfsvNQdXrfF2RVp/fNBjgvYvNUJG5V1GjyWFkeiht92ArXZbhmtsDl0Ko272vUnIhD"
    "nPMSQQOg1m4/saewlnefqBM7HgOOfb2BhvC9gIs8cKcWZWFK/OpgCVc52EfMTI+sixPPNb"
    "hkfCQ6c4riTdaE6TbgIhNIQqktOXXSTXUlLQY26vyyHN6iTqcSfq/YY0zGflOo9UJ2xJAs"
    "hes/q2RS8U2sLJsq2uGWZFRpix11aVpV+Y9U/VfalfbkmV5RTm9F4FtEIGFA53GtghnHFQ"
    "UzjvMFM+izL4JvOFxCdJsPJ1QtGTZQRME2PW3lrkxF1DLBvO2sCMd3daHtOabYYjjy2H/j"
    "TqutbCMf6+zRH8u36I+5HdollLgvpEC8OHUci2C7LE4iJsuAPWZ0m0I7kj62GxhxOhhcpf"
    "ykp5eZ1XvzeH3avzt4z4Fng0yvZFG3ooNuO7YTVY685biq4tlb8bttu1pL2+Bdu1yLqvG8"
    "JrIVNZ7v+vcPd5dnD6o4+QaKk8fg7qbOUGS7LrCNJcza5ZaxpAW9TgNonUnuT2EHZjssHu"
    "RNXSgkjDBiQL2YcOlgNNId06ajERuD2B/sh45Gh0XNnxvgqIxy7TLKRZMmovglaSQ0HjWf"
    "/BsBprlksgrQEV0zYO92PW84rR3PVq00k6WUSZhWbb53vak0XNuKn69i63tBokr3rGghbX"
    "nZvgJraWN1++4fz876fV5Gj/q6TogBtfUuepe8AN8Em1ara+2B7G5h6n0U2pFSVNKV3Kjj"
    "Iiv3kOUcZLAGfJcwUQXTorCKcpzzlNJhvRFvbwuKJrUsjmXTwqVpaxPLfJp62gqOhWLiRj"
    "IlJNBQ9zXNdLvrez8zDlWe6bc46xFGVXmmqnTAt1E6QPnhlV+zJQ6i5X7NHXmHQtdckXco"
    "9tpVeIeCQTW9Q/cOVO9keCK86COBDjBidIQ93D1ElFgW/SHqOxl5eUyPotB/SfMeosa4Ki"
    "9Ru7xEKnQ7ZZ+q1evwuKLX4XFOtUy+WQ7nB/JnWXn8NJkEhpMqsaf/20NK4smVnl5IPVeD"
    "m5+i4dl61Htv1WU7u/lCBCegc37Xu3g4QYaLJ97Q7p09XH7tn6CAF/ubAckunLMrbN82X1"
    "pjut0bV1Ln8f58O9bEhn1JK0fgbyn4PneQSuZWchgh73EiILikiWRB/hu1IapSdcqEqGZ9"
    "RROiqgCmKoC1GNAKi50qVqWKVe0S1eXFqtpYU2lf1nBJUaWmyinJilSm/MfqSElfUMmc4a"
    "d1l1PoWbgEVrLiRKfEmjSxou6BkcwrKnLBrAeTfAl8mTjHP9bdw/Ef8ggVWWw0bNNX4q4P"
    "UY/zkRQoOsUu0SzTfl57T2KMrhgfSYF6Mam59oYEPCTCZwtRCIFAUB6KsBAYlsYjaLGYUi"
    "Nn1Ub+3HKwQQzE6brIJd8TW3fgCrYNRD2mwxkIIr8gs/RHdmRphun+7S8BHf3LaFSQuNoY"
    "WxWX0K64hDn2piKewWi8hFEJG0kx8Kb+bKyJopymUljXw/rVNIpgLt0jFuOV8brAeD0lkG"
    "ohAGdMoPAswHPiuLMix1pFWteCQsId4Eud1KLyzKJcCIbDRNTC0K/y4IsEiTQZvd9oAIDy"
    "BS/3BdeJAFCl6bbiuFT1qBqpR7XjhIPYnF2g56ds3eVKfsa2XqcqVQgIolPn1UamjTACR+"
    "QR6nloxrYD5NgEAUfkTMJ7yKRobto2KOseu8Z34LyW3yjrAk3/94VbOfoA/qGU/10q/0po"
    "alZoCj6EAmNrVWnimGiLhYkXV/a2MnEA2wryaYpQZb22JzIxL46yoStNcZJOKSBtmXKlgH"
    "xLoagyIlqh0m03YLJt4K4bMVkYg6q0ZBm05CiaqUBHTgQ6LXeDJ2Or6qjJY/8NWKAX4lJ2"
    "MdBYQ2YnPGH+/pfHLnI4CUUH1PwX48P2P8d3h/7xu+PPh13EE/QiB7f+XKQzb+w5hQp0Mu"
    "Qduk8pBXqXCrRqF7axdmHh95KH9+/3g5tieBMkWaHf1D30b2SZdGNnQOfHiW/zEHy2I5iW"
    "Z9r0CB77t85mT4YiwAGilLyfS/PPZvRnBHlgkE3zb3uS8y6ESVUVWrZUfn78CpyUi/HKGJ"
    "pdrSbV4jobAvbQFJ3q1VbfIqpc9uVrW16LmUrf3pg3R9kiVTDE/pl5ijaHBsBVGfIqnXsd"
    "wNOiCna9JjJKzxgfmRNKVdq7Sntve8bbr2Q8dZzn/ktJa8bU/W6Vqf81GKmRF5EujYuuiT"
    "q2LPhJ6JXARZ1QSozABM85ItNAM/xMKISuEfZ0pmO6b+wP2/nemZfEwzXGWmW+tct2r/o2"
    "5ouPNt63kX8chQpUOchJGtWvMQNxvqUOx0YA3mi8hOv3Yx1wP5aD+zEH7hy/QfqyiBcqQa"
    "K8UI17oVyiE6itvFK/kxSpsnK23cqZsxntJoAlbC0+8L2x82eRgJseUCnhhh3INSceu1TC"
    "HdgkLYgiz+HCJsITDy45s5np5cVXATolm7ZLNn1mP6v4TF9eUD+i3aKzN+gkJXjEdIJep1"
    "Gn0+zy3Y282oKOkC1b6Ztv3KEzSJ+IoJKQIpJQlFV93VUEj+rrvlIAz951o2mux3j/5uEE"
    "0dDOuvvWM9jz2JlYtN2U7zUJEhVSld0+bPKnp4UQraABF5DL159jT5TeCKTK2B4LU08jru"
    "sIWanTVBJ0NNtC7TA2aeyVNaaLiCCdppIO6eaFUBWiWA69XMa7lEwGJi/xKU+QqTT9th1T"
    "LTHOMkGSgPk0QD9nmk3e7lYZZs14YM3AAzCvWs7TE5TEjYnRwatrMgmLV88ZY0+fEorGb+"
    "iEPfNkxJ5/5BKdHjHCURfZ5IW4KOyddVhswW32EUN7aI9GECWjmcZoBMV7FsmKEMPguIuy"
    "PkYXYYrCwbBA2XCK3+gReoBVDD2KYceCRwPPg8W4Lor36sPR6AekwzvCeH8emp4x4lOwYA"
    "CPMWpXCP69s3gWECROBjbw945PF+2pU+PCXx2kTNa2ZVcZRiQzZ2/FFlJu9E5N1irKe4pB"
    "my0lndu7wfnjGdPVw09vaN8NBtcnKCoisONimtGXkpuH8i8hppDJOtiY4r5fDp0VVvTXy/"
    "6vJ+jFJK9D+9few9nPJ+gVtv2hzdYYW+j6FLNVfnX5S/8EWeYzGdo/XUIz5ScTeilfDK6u"
    "Box+4liWwzhcXt/e9e/vLwc3J8iczZmoAqn1jNfV5dkvjJll6s/sr94dcMYu4zC4O+/fnS"
    "AeBTq0bx9had+zZ819COumpB0GsdeSmsoXloPLilSXVVWeAE17VkATgu/54PH0qo/Y3J9d"
    "wuSnJV1+Ey7FOXB3/d6V0jC/FZUj1ao2FvJqHlEJCnVELc/K8mlRaKzKGkpnDSUWVZtq7l"
    "y42DcuLPzUKdCJ45vdKo14AsO0CRtXUyG+d2ZMYwM9DyNOjFzfIuxM922mS76a3jSMlzcN"
    "wtZMl92JNEG2Mth/ew4yiM7u5jXhBnkHKjD1x/8kusd0WkCHolcmnzCJhQYs0cFoxDYjkD"
    "tOfmTiw/RvI6ZLj0bwOicfun/t/nf4N5PXTz6dHB0djUaHQxvq9zCNOljEaM4UXZDduog6"
    "PC2A6tgOVXGmdtvImTMdHgBmijz1mCrMawcZBv+ZtgPabzdgisOXN8LhFLHbiC1MCmV3n9"
    "gC5T+YUTAVfcb+CX7dEXvFCBL2S7H1yvR3NHXYEgIMwsVL2a0DIMW6Do5+yl7nxbFeiHHI"
    "KxKNRmFuTTCS/8HfPzRHzPAbE8LYI6zD8rpFkRAbvlmubtHvCddrUqFXcWcq7qxBNeWeCe"
    "b9c613fg76xQnibeQMLfzWh3Z4/7z/9fKsv7htsI9ID1UW7Y773EFv0VzudQelRjt9vLt/"
    "CFQbbey71AsUn+g6qD/R9Zv+r1rv7GzweMPe89feHdP7bcKEn+Dr0yjb/mdMJbrq3f+s3f"
    "eu+lqCgL1ynBKoJcjYu/90/VXr3Qyue1f/w95v9qKxPWSGrbehDcpZ/y6+CWoa+6DD+6uo"
    "Rh/qqEYfylWjDznVKNoYCldfiX8gJmnzomuTm5P6sxl2hcKPEiTSOTg/1ML4QwXGH/IYRy"
    "duHuTypJEkjcoaSSmhTWSNUJ3pLUJmlwXFNq0umwpD2rDJZQ9D7kD0FlzcncFt/+aEC+3s"
    "bGcf8uXddf+cHe2OPTHdGTGG9vnl/fXl/T1cNUw6MyFJuB2Gx1B9WMEqlqZUfvg2G8ViR/"
    "cqH2JMvcUP0XZsIvoh3jD42HQySiYm3/X7/9vXfu1dXfWZnD1xCfkX0V6xZREQwXs3Z/0r"
    "jTsH7k9CLVULNNiVPszGE04C0LUgkExEYsgRKrGhcbFhv3wJWzVEyBusFsbKrDDpaUoJHU"
    "h7OusFZ2eufFAk5ozfxLxKObqVfEstk4n2v/mIhIBW+Oq223ukZdjWddWVtR5hz0c3j1dX"
    "nZL9YHtO0D0FNrcFlsC7G1fotWn7Hjn19WdSWJ0sdb9b5RBlT7DePFOn2ozT1HSL/gqexS"
    "ljS2wex8t7aPIQW8MH/Pnfjw9nKOCa932KMggcnIGNn2pzgp9HI/QXFF+i/ix7Bc/mFgH3"
    "nu7MCNOiGHN+Ddh7U6ZnwfO+owhCscBOibjTAR3gF7agnwj6f4gxZSxDRofgeQz9gOEzOG"
    "/uXTSYSmLaEPQY3gq5evDbwA8Z/I4fIscjDV8WXBo8BxlcmS5BoSPyv+bYNP4rpB3aATE4"
    "cIP72tzCOjFGoxMU/Nchd9zymgMR5+AvtoQj9tEFgJYu72YaPHO9XiwqzhjubSPOOJwtQe"
    "E+ppJPm9tfOT6vviX3PQGBM0umco+zQnzi9BDbvTKE0iC75dIRmbN6hbWdoJRmEhpb3v90"
    "zKKa3aWgLsYrKLNQpgU/AUzzhArcLLg8q0KjhD3GEKzjkyOVBt1tV/GBaK4ZoZSpPiLrO0"
    "cnzQQ0trwhgE5wWS9IpEFzy8sZYhlFlvFivDSAN7Z8eVioXixKVK3hNJ00uG55IcepgiLL"
    "OUMlDfiNLWqebil0zi0IFJhZMLHBxjgaZK0KIJqhUrBmYU0ZewWAzdEpaIuhFcZUgVkoIE"
    "RODEH5IEkmDapbFg9Cp49IGEJMIQ3ozUV1pLxmYus5TysNvtu2RfCYVkvo0EvRSAN8g1VW"
    "X7WgEonYuZejU9DmzTsvRKOBtiUWEVZAqSLD2hBq17ogVZli7doG7rrBdoVNipOfdgPQXj"
    "F29zG3/doP6gJcsB22KuwOQh5PId+9UxBzF9/s1gu445UqePp87a6glK0ZYnxv2giIv6M8"
    "NZ/yghbghkGRGyYVUAd3g0CfLnomc4/dsd7YP3qufljzTxja3pS8oTmmUJNzYjmOiw5OII"
    "opKOq5QAPKe3IV+4gXF9AurgaDOw2qENwH4WwaVB64H40OTzjPRVWURY0QeFE2kr8lR5VX"
    "U6FBIRXH93gN0FdewMTDpd1L4/i3qFaQioNrn6ag4uC+zTi4EkfqN+RFbc7/wfZJUTe/gl"
    "KpJ9sJtlKFEJXCt3t9REjhU7Ul60Da0tqSX3l05leTmoW6XfJ2t552F5YjewEageYLARlk"
    "+oQMnskbpPkEhQ1PfjSNsGrjmCkz8RXocTAaYduxwwuHTEHLqXdNP2AI5SoQaO0o1Np5sc"
    "dAKWRPiFV5xuBdWDybGOh1alqEV3sE2ooCi9E2lbYJxC9eUHEx3tmYCqhRQmzVG6GlutpK"
    "JvMGrOVSC6OJjyMHank9vDSVhIUHP3+sUeTm88fSIjdwKw10YoPJAV1tbUhTSlhSQyqTA1"
    "5xllOEapJbPcmxlFY7+ywiUCdQLrRuTmxQBGwSdx6rG2RXQKoAVtlSbZFllc1PJptfy7zk"
    "yuTXAvtUi01+LVuu61r8dh3McYH/6BQ1kmGXu5UtZPAf9eM1PJcw9hBHgW0KdjcPuqaw+a"
    "MwqAtRFBSamWILzacupgxwCpazaAQdjQ6jvi9FfRQ38Yyhzf4T/gTjXtRGlToWL9NkekAa"
    "XmWENbubClngvhXz28Y6nixmNo9tee3dFFE76u7C86Spuxt8nPkZeSB/luXHLSikMMhVGQ"
    "z6vz1UA76wF1wNbn6KhmdnYZ8LHW9X1NzPmreq0vG3OOsFFrxcpePoixWtdJyjU6p5gWoe"
    "inti0KaJlIKubEibQVSZPLZp8gi/6gZQvY057dc2UBfX9Aa4HNr4LNqeTWlf12zu3BYNJs"
    "vqZVR7Ml+KnLynIfnFL3fEwiXNhGLbUW+hs8mxqP+zYRNciFexIS4Gs9Icp4VTWNMqZyOQ"
    "JL8PjWV82gOTGU8diswgP/Bi31NizSe+xXSC0Qg6FFPiodcpCUp6Y/rMGFD8lmu7tJGHDG"
    "3TQ4Zp8MA5oAkaHCfsfzB7jkWAvU/CkuCUNz0OeC+YRjRDttiw5UW9ppUxr4XGvAkWayAb"
    "jZeur2nzfcrCZEYxGTxNpPSavF4T7W4its4kjbJ2rmDtVOblLQPuOVqxfnnqsDMY28WgJ6"
    "gyqI8Z2aZgX1zZLu6ng8FVCvfTyyywj9enfbZr80mI+/EWpCtCQ9qSDtQVHY/TZKrtcRrm"
    "grbH++U0Ud0hm/GZJFQQYa9JhnYrzZRV/vxqcc4JdVB0njOkqmd2m+eZGw3E1JokifItFE"
    "ggYGgSQjQmUEqi8ikqn+IeIap8itv0KU6CkNs1EQ0Dd/fr86+LZ3yW1Gjzq3y0Tfhoi7Hl"
    "YpLyzy7DNSlNtqnOB9skYOe9J54HYfCdYr9jakh3mfeR73U0OXypD/Jn5zUqkxH6LqEAR2"
    "gbHI0QJbZBkx5ECs5D8Ny9TsHBxylNNgcEG1ByA+ot5nyQm3jI0A6H8AkG9yWxAQso8OH5"
    "rp3h50wmyqfYQp+isl1v03YdfiKCaCeotoh2tMr3FuwWKEB7v3Xk1B+Rw3qZqjSwyYPD/t"
    "mworTTSWhMTWpO8rk3Z76lY+qdg6PdxuFPyok/heMqZSAaUbAfsCCpKQj9yqQBwgWKGTFM"
    "jF4dF8KdJo4Lv5giyFt8CyqMMQlkNHJe2SrgkUxQQSwhffyQE3+aYz20RyO2TD2fBvFZwD"
    "NkE5TIxlBsmswd10MHpmGx3xnVsLCfuvwRXQT1rRfXhmxdOPM5MQ6D0KuIP0PQw6bFHnNw"
    "cTGbkyfGnbiu43b5Q5/JG5qahkFslXfZRrGK/38O1vJQrWi8FPEXmXpb7+rU23pXXm/rXT"
    "ZYy3ctpmXhQkGqPMglTSUF0NsOdAEIp+HXXndlJ2mkAD29uj+8q7O82ajS9c3vKTVhZ2pC"
    "cN6KLOmYYouRtSBNdLaypJuPrk2JNOJIJwilC2XeyP4RwiYe2pEiVIEdbQ7s2K/wvO2e0P"
    "LG53HVVMyolSRRbv3lbn2Ol/LrLTNYJZdVm/x6t64zMTmyOYNWdKtbZcOaB4NqW62wh14J"
    "YlK5axMD4TH0F3MW1fVPEM40UoOiWfD/3O3mHUI1fWwjKKf/NnP8fP5g408Y2mE9f16X3x"
    "//k0D5rlyZ/y5acAGED5Fve6bFHwUPmhGX937zjoY2WMXYQiFsm/PAMIZDa5vOVv2T45ok"
    "MJTxd5ub+jP7FQecjz9HYcu2EHU0Z5N6yM1sc+JSx8aWSQljyeEP/YpgP5vNiG0E5kXec4"
    "5OiTVBvG0cww3BUgIXJrfsMay+o1DKDHrKgXmP928fBc3k6JzYXtCmObzCqzXzMUGqZPRr"
    "Ji5hH6itv3XRjLH0sPs2tOHZ7H3gMtgO59g0gregyizXQrNcuNyFVJCYpBnlY7cAb7gU/m"
    "IbyENcXm8uRaTqzVWb7VaoN5fYSgVNShlKZVaqb1YKTgEROX1BIE0l7sZimROndMEKrqhy"
    "niGUBtkt1zhPyUSi9oYcsTIstdmwtOhWsupUJ2jVTLd5ppUJsXybldeEqMqiyjbrBR97ri"
    "zq7ntq7L1hQSAWMhFfjZ+KRFaBUnKh1fIBP+3hF1VmTS4oJresmYZgtOiKrTT2IlhUrHVu"
    "E+Z0WH3lFvVwbS41qmvR11CvA+4rMZ+mbOYQIwvayYZ8IHvFYEeMDf0/g0jM0Si0Nr9ByG"
    "SY7BJdOuzmzOoN8weLtefMTT24+8rUHeD4CsZ7b0reFg1vwWA8dnz2XF6VLyq/F5BxC7lp"
    "BOzmrqmT4Dr/TzRmtIdB992p44ckjw9nCP7qomHn3bth5+ho2Dn+MOwchnb54DfG0aov2P"
    "IJYm81GsXH+Wj0A7TzmGLrhYThsEP7BKyoJyM2qUeRT+TIIDp+O/q5d3WhXV1e9EcITzxo"
    "MwI/84DJ/egETGmFRPxfYpT3Cfk9WiV8riL04Y+i9r5CdnPVyLdZw0C5gT01b3VN7CkiCW"
    "ME3x/XCag6Lg+oOs6a2QV7+srbzPdjneipj+XBUx9zsVPBhlng/y8vLRaTqLJiabN4QVkx"
    "pX6ugnzL1c28lSGS+ESLuiSIVLDS8mClhMi0ZrhSIjhmzyAWqPCQWF1tilnqeewXjn2G+I"
    "VjWfyLyqlauTGVChcORzMotQkfX7tTYTA8yEbjGgM0uA5EfAt0JSfs/BfWDrhxbKYv2U44"
    "buL4TEs5yulbDfJdHlTz+yLhlJ0V/1CqQitVBcq01qIarhWhOAsKCSXZ4zqS7HG5JHuck2"
    "TFJSwlWe2BZLX9sgYtc8E2HlzCNhyiWab9LAZrjk6BW5RdFxg4BaFNUylNoADZ7Xv0ZES0"
    "QreKFmEDypXkuSCZz3V5ncdiD5+CVdDNlxULGoC0ZpGdlp1a61bZKa7wGB/wDQB7D8yuQl"
    "5yopsTiEow3rWRZQCxqJ1KG0swpFvXxBLHbtexsMRZQsusIYHGy73RbpCmxRu32ZD+ZZjF"
    "dpaGuYtYW+DRmjK5KJNLW0/eTZtcPMfD1ip5ChlCmcTzLacq6L7rQjqmyCpP0ki4zj/UqT"
    "BSXl8ku8ijXT4HcLVxMUGmLIyttjCO/TdR00KSRKbNa4+7cbRMiVBW2z0CN8jWEyszkyBR"
    "xZOX2Rb5fqksYMssCsljRZnAlAms9ehuwgSW2ZbzEyGYGbOwbe3Vhly7LlXiHNp0cswdU2"
    "k6BXZEfr1b13jIfo1R23YYuVqgZ4sX2vZI2GEF/jRdRNj8GEE5c8+Buk9gtwv+ho+/yGbY"
    "EFdV7qhd5Y7CSRRANkEhTa2MxqRilS9fDvV+Zk7XyZcfvwmaQt6UHaT8G5q4TPwUN4ZkyR"
    "S2BdiGXbnEkE0TKVyX6+6Ltbg9XbNtCNcVxrOf7XIdvrQfnYI2DW36u10O7LjAI6bMTRlz"
    "01t9xXFrcSt3ZEJcF1udIkUzutetrWyGFHUVThthXXd8phWGMmyY8m96FEV1hHX2UkxLdK"
    "GsAdQ0WNhARqMTrkzyK25e72yQ+dA27RcTWJjeEbpkDCamS71kNIxBdNMIaxEHRN9BMWGY"
    "IXTgsHWvWmm1V4nVBFPe01TStQ1pPu+9qg1O3/ZnuRMiE7C/g5Y4c2IbAJkY4p3b/s355c"
    "1PJyikH9o/3fVuHvrnJ+jJxTZ7yaF91794vIcrbL/0KVwZXFycQBfj7C5WZ7be15mt9+Wz"
    "9T43W2y7pGJFNmIK6T6G41o9dI4reugc53voKGNPOfryGnsCGWGVWU9TqsKnbQ5wYjLnnM"
    "2OkLiWolExIyogZ/vgiiZRJmmUYa8A1UBlFCxSkyZSoU5L0ygXyr8yPi0NHakf7KQiczYT"
    "mZOXExrA92zBSE5wU8JRoyFP4W6bn4PNlANu185cF/70kbTpqKd4syiwSKd2knom6fjLrB"
    "8FNXVcDwEJGo3+Qv/yo84e8bfRiIcmBbV5oesd1PM1fN3rIh277ht0hgPTcrDTFsZBNcW3"
    "sL5tfBIuEiYDPutVt1UW5jUtzDDJIqa0aLx0/eCa7/ytrGjl0MtrRQu3NeHinwkiZQRQOW"
    "TKqrI3qCr9vxTeDen/KtlpjWSnQkQjYXx9UG9jTnLimj6rRaOlEqGUcWniNOQiDZKKKiPL"
    "AXs+J7cxqOomge0jUqkYt9XBSgbXSYgSrwm1JkRfgYdE+GwyjjPAqsBktgCxnrksnrd6Xb"
    "Tm7HV4Ol/Q4ipnxAqqhIH9ijGbTEwdhXXBDkaj4L8g0hIHnaNyNrPGnzC0GZMT3cKUBn2k"
    "Er/9KBhNj+4DqsMjNBrFkX5Rp64wdPTkR9MA292BN2Vcw4vfUaQ7zrNJfoAOWIlRE/7Gum"
    "VCBiS8sON7yLHJ4Q8I25DvaL/NHH8Rl/odHdrBTKAn4oU5kgFHxgyiSaHEGmViA0WmDe9p"
    "Ey9o2TXFdBrmVaLLW8TUaqZ500PeGiz5qoj9JMRkQj7QIC/QA4z9axBgDtcCs+/3YQir61"
    "sEftxszmhWKpTfRb8vKnOqKm7lmpKq4rZjhXXDVdzaHHG8O+Nw8yHHbEcUATgcLl34avNW"
    "d9X5QcqwRWVWV2b1fQBURYJK1fZBQkAr3BXKrq7s6q22q++uj8aeglrWRkNVvGtrxbvmjK"
    "494pr6tFPU6yG40600u8Zjlplay3FV+eTtivZ7Ia5og/oEiYwGtE+f6ljQPn0qN6HBvYwJ"
    "gn1UAgiHwyVE932t5OT3FcnJ7wuSkx3bI3aBSPX3+8FNWdDqgiRr5jF1D/0bWSbdx+ilCn"
    "ABjJRtJ8L04Lr3Wxbus6vBadZoAwxOi9SFbR5m//n/Ar+Ffg=="
)
