"""Search index (hand-written: aerich cannot express FTS5 virtual tables or triggers).

One FTS5 table with the trigram tokenizer holds the searchable text of rooms, products and
users; triggers keep it in step with every INSERT / UPDATE / DELETE of those tables, so
every writer (services, admin, seeds) is covered in the same transaction. The rowid
encodes what a row is: ``id * 4 + 1`` a room, ``+ 2`` a product, ``+ 3`` a user. The models
are unchanged, so MODELS_STATE is the previous migration's.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE VIRTUAL TABLE IF NOT EXISTS "search_index" USING fts5(
    "title", "body", tokenize = 'trigram'
);
INSERT INTO "search_index" (rowid, "title", "body")
    SELECT "id" * 4 + 1, "title", "category" FROM "rooms";
INSERT INTO "search_index" (rowid, "title", "body")
    SELECT "id" * 4 + 2, "title", "description" FROM "products";
INSERT INTO "search_index" (rowid, "title", "body")
    SELECT "id" * 4 + 3, "display_name", '' FROM "users";
CREATE TRIGGER IF NOT EXISTS "search_rooms_ai" AFTER INSERT ON "rooms" BEGIN
    INSERT INTO "search_index" (rowid, "title", "body") VALUES (new."id" * 4 + 1, new."title", new."category");
END;
CREATE TRIGGER IF NOT EXISTS "search_rooms_au" AFTER UPDATE OF "title", "category" ON "rooms" BEGIN
    DELETE FROM "search_index" WHERE rowid = old."id" * 4 + 1;
    INSERT INTO "search_index" (rowid, "title", "body") VALUES (new."id" * 4 + 1, new."title", new."category");
END;
CREATE TRIGGER IF NOT EXISTS "search_rooms_ad" AFTER DELETE ON "rooms" BEGIN
    DELETE FROM "search_index" WHERE rowid = old."id" * 4 + 1;
END;
CREATE TRIGGER IF NOT EXISTS "search_products_ai" AFTER INSERT ON "products" BEGIN
    INSERT INTO "search_index" (rowid, "title", "body") VALUES (new."id" * 4 + 2, new."title", new."description");
END;
CREATE TRIGGER IF NOT EXISTS "search_products_au" AFTER UPDATE OF "title", "description" ON "products" BEGIN
    DELETE FROM "search_index" WHERE rowid = old."id" * 4 + 2;
    INSERT INTO "search_index" (rowid, "title", "body") VALUES (new."id" * 4 + 2, new."title", new."description");
END;
CREATE TRIGGER IF NOT EXISTS "search_products_ad" AFTER DELETE ON "products" BEGIN
    DELETE FROM "search_index" WHERE rowid = old."id" * 4 + 2;
END;
CREATE TRIGGER IF NOT EXISTS "search_users_ai" AFTER INSERT ON "users" BEGIN
    INSERT INTO "search_index" (rowid, "title", "body") VALUES (new."id" * 4 + 3, new."display_name", '');
END;
CREATE TRIGGER IF NOT EXISTS "search_users_au" AFTER UPDATE OF "display_name" ON "users" BEGIN
    DELETE FROM "search_index" WHERE rowid = old."id" * 4 + 3;
    INSERT INTO "search_index" (rowid, "title", "body") VALUES (new."id" * 4 + 3, new."display_name", '');
END;
CREATE TRIGGER IF NOT EXISTS "search_users_ad" AFTER DELETE ON "users" BEGIN
    DELETE FROM "search_index" WHERE rowid = old."id" * 4 + 3;
END;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TRIGGER IF EXISTS "search_users_ad";
        DROP TRIGGER IF EXISTS "search_users_au";
        DROP TRIGGER IF EXISTS "search_users_ai";
        DROP TRIGGER IF EXISTS "search_products_ad";
        DROP TRIGGER IF EXISTS "search_products_au";
        DROP TRIGGER IF EXISTS "search_products_ai";
        DROP TRIGGER IF EXISTS "search_rooms_ad";
        DROP TRIGGER IF EXISTS "search_rooms_au";
        DROP TRIGGER IF EXISTS "search_rooms_ai";
        DROP TABLE IF EXISTS "search_index";"""


MODELS_STATE = (
    "eJztXXtzo0a2/ypd+if2LY937HlkrpObKtnWJNrIlkuyZ3I33kIIWhZrBFoa7PHe3e9+Tz"
    "cgXg0GCSHU01UpTwR9Gvj167zP/3UWto5NctxdGrf2I7Y6Z+j/Opa6wPA/mXtHqKMul9Ed"
    "esFVpyZrrC4NxaXN2GV1SlxH1Vy4M1NNguGSjonmGEvXsOlTOl20xA6xLdVE3Zs+YqRoZj"
    "vInRuO/mapOu4LgscRdEDm9rOFbEuDbohrO1hHc5XMsX54TJ+l2xo8zLAe6u3Ws4x/ehi+"
    "6QG7c+xA53/+HS4blo6/YRL+XD4qMwObegI4Q6cdsOuK+7Jk1/qW+5k1pG88VTTb9BZW1H"
    "j54s5ta9XasFx69QFb2FFdTLt3HY/CaHmmGWAeIuu/adTEf8UYjY5nqmfSwaDU/gtE1zqK"
    "cj28Vca9W0XpZAYqpIiBHFzSbIsOMrwqYV//QF/hzenJ+x/ff3r38f0naMJec3Xlx//4j4"
    "6A8QkZPNe3nf+w+6qr+i0YxhGo7N8MrBdz1eHjGrZPIQuvnEY2xLEI2vBChG00r5sAd6F+"
    "U0xsPbhz+PnxbQGSX7qji9+6o4OPbw/pA21Yhv4KvQ7unLJbFOwI3KWDZ8a3KvBGFAICfP"
    "KxBMAnH3MBpreSALONSKH7SxWQk1T1AL3bTSI5j9+Xmcfv8+fx+zTMRLOXlXaJFUFzs7jj"
    "YDV8kS0D/KkEvp9y4f2URleDNwcsFNXNQnwJd1xjgfkwJylTWOsB6XH4P/u4f9BBHVrmS7"
    "CgCoC/7V/1xrfdqxv6uAUh/zQZft3bHr1zyq6+pK4epPeaVSfoa//2N0R/or8Nr3sMXpu4"
    "Dw57YtTu9m8d+k6q59qKZT8rqh5b++HVELXEqJsqcRWPrDXuadoaRj545bYM/J4MdIhJ4U"
    "g7+AkOnHXGOUkpR7nNowzL0VEqiSgxitfllH3YrGsQVajwN3vkSioUriy6n0HCNB6s3/EL"
    "A7kPb6SC7MkBNZC774Ju9gzc/4SzJ7warWZHfV5Jy/FJBd8OX4xdn1frji+6l70OQ3iqao"
    "/PqqMrCajpHfvUTl1Ztc3eWpwu0ldUS31g4NCvoO8coD6wHwyr67p4sXQ7HG1I4v5RkUbE"
    "pC1hR2RNy2lF8kGW2oh2aSPwQjXMKoLGimBbgsbuxLjTD2XkOGiVK2mwe0lZw1hWQddvLR"
    "60W5CQPU3DhGTBPbdtE6tWjpgcUaVAngLZ/p5SPFjPh8NBgpc779+m8L27Ou+NDk4Y7NDI"
    "8E+ucNfYV4G50Wkulryc4QZ3w7wMPXdqf7uClaqy8y/DvSQbFLIvNmtazphzBWcbesbo2f"
    "ZMHRFs6cfoEj9h014usOUiOtgEGS6aOfYCAf+CkWrp/i9gZxCwSllTTl2dStapXayTa1dT"
    "gQtqY9gK10S86T+wxjltCjTgEYmIKL8tYyuDVvkov81Yy6a2/pKF+BZ/y9kZwvZC4Ft0Uv"
    "f+uE0c0iGKB1fdPw4TB/VgeP1r2DyG+sVgeL7XPJQ0Ouw9E3WjEvJsO/oIE8xVASUbFDJR"
    "y6Cp4tC2UgkkGicjjfoNqCzkCfC9nADxUcfflgb0tsaoJykFHPU9GeWy1sh1Vrb0Kdif8Z"
    "XW5o25EGltFtPazFDniBjhaORLFvSDpDwhljyxa6Nyi6SIrWhHdYMsTfVFqRpKkKYTQo+X"
    "xPt9GTXp+3wt6ftsSEGo+qgqH2cIBYT79MOHUtP7Q8H0/pBG3LHNnGnds7xFhg9IOnAGtA"
    "26wT8Z+Nk/5Srg3fnS733tjc6QT31vjW9Hve4VvQLvigEJuHY1vOyNurdDuEhPTnhzG652"
    "L6/612dI1ReGlTY27iYoxAAZVXONJ86oFXpjJOga9McIjwPpjyGeTkEwTVIFW0I0PZIxrK"
    "kFGdB+/n2ETZWhm50InIjZPZsGefIU/2iPrBrrg5WxpoiIGMGEQL8bQvUVT8d+R6LiNLNN"
    "036m3WwE1GfWjdggBeK/BIkPkmPbiw0BGkEXosLja8B0RZurrrLw/QE3hAsEDTfmWbiXKv"
    "di0HYG1l5OsQdj5hKFYIvDbFeB6lfoZ4wtXWycHKxhkOg4alWJVdzjYql4yw3X3q29vFuK"
    "ipDq6YbL1AMbs5td2tXAfhB0N/eRclXngZ6EEqoCqKaqZQGzQMU0QgXvTeE6Z/19he4EBc"
    "zBS9uBXX2h6jzlXhUmlPUk6m4V4uRgYpsbn36lsdrHKQVrkCgPwCJYm0s1sP4ERYmKfQqF"
    "qimQ9nLZLTwX1zaZrqAzkWcTA6sxmPZyPqmez28qJlb1jbV3Xb83QefUCiuCTbNBrPZyYk"
    "0NfcOld24IKwxrtrfcWMi7YJ2IDZGimaqxqTbYB+qC9iQ4Wg7WacqazRUIPmSjVXei4jYz"
    "VTJXiGoCUxU4CmxomqEdjlVTWIYhQqyWtbnCS+jlaTv6xka/Ie1DVIDYCpT45PttOLYO/O"
    "KmDht+L6KC9KQ6hmptCtIXvxdRQYLL2KnFyNCPehIVrJmjejo8WzNq8AH6TDuD805YU4Pn"
    "kE0XH42eOaf9iDqjfOdn5Qkm1MYbFevqC+1JoBlVKWYrwvVZNU1c4K4wtPCtDX9KuOqteh"
    "IE0YScqDq1gHShCmWtqRj7F/Pm5EQAJn098+MAn/FUiXuXlqm8Y9oP8EZvDAtNHfsZNstj"
    "dDvHSLPtRwOjuQ1vj1TkqJZOU6lRT+afaCK2R4yXyLbMFwS7DquVw6u/U2/nMkSxXSGKMu"
    "WJTHmy2+1XsEAVmfKkyqHb9lEOMZEpMWRKjLbxp0f7kRIjCEvhsMRRwEo+O+zHxmwhMcaf"
    "q7Ab2jcJYo07f5fc6A65UckmfY9sUrgQq52hKSp5jnLi48NtrRqyKSqJ7OscSvwskVxKEZ"
    "eSWrZ8ToU3hyW0r0GbWrdtYgIHxhMuUI7GbxeygyY0rKgeHVoYPdhvKCWyZ1RVaduLI7+s"
    "hL3EFnJtRGtRZFSfVQilWrNdjCTsBM56jGSSUkBGck8Yx1KaF1h+aw1ynE6mm23zCC+x+q"
    "j45nGOYTx3n0yTNcfDvm31jhmrAm08cn3rjIdcUFckwqD536en7979ePr23cdPH97/+OOH"
    "T29XsGZvFeF73v+VQpxYJlnMHczSTi5Vt5K1LUXWYEq/zrbg335NnwA0guHRvJiTz6at5s"
    "zzLGkK8hml3bcpXwDx5fDufNBDN6PeRX/cH14njwF2kylJV5n4Rr3uIJOs0l5UUzPEKKSK"
    "4XUVgxNkL9pQBhYsCdJRSgaOTaqq8m9MKjUsz8XK1NMeN06Hd8X6Omdd7S0ruaFDXkVlAZ"
    "uiHC1BOHXz1QOrJGEyifpebXtHBaK8a7h5aZBznJNCAgHzTJ+clmGVoFV+1uLTDKuk2U/Y"
    "UTynUqr6BJFwLOmHUizphwKW9EOWJdUAiwfb4ZSaLIA5RtNYOfSgT7MZrOtPVU+0OdY9cz"
    "39X4pWqofarB4Cbtf1OBxauST5EXWDG9hqglVcXZ3xxW+9y7tB7/IMrfq4twb9L70zRI0U"
    "91bv+pLeZdrNtDmj3OlS6nApOFvSK3GBdUNVKM6VjvAUmXDHS/2lBwLEbM/R1kF6RSehfh"
    "Vq38yqPOJKB3mSSrrMp2DOusy3yIQnD3BpwZMjvOYIU6sRDJzHTRv9irUpopMmp/VMTtJ+"
    "ui3XShOWAVVB5puY8h0sebQSYlndSXqDw0OfraoOy3ESaUp83ZTI8KrBlii4P218Wq1vTK"
    "ynVFTKQ1YQxJPbvazGUrHKCC3Gsmk+VdErjPhVIbAFXW06q76johCbAfW9lIPYDCWxK0HI"
    "nP1lcvZvjtD3kIZ+021b6GyENHmXYrh443zY0E8fuhF0yw5yYeuOvWm5sdIZ1vcXJolQqe"
    "Tgm6EkfFLwJvNb7+NMajp98z5iRObYnNVxvI1pRyXPt71cbX5WYtidHmRG4mLGe3fe/Xs5"
    "sVheKZnGuQRSO0vjvDdobTNsJK705USPpHTC+UEkGT10uRwTumot1EcPmYaFj9ElNRYARM"
    "ggiNgz9wxNJmGNdtWdTNBfYhemL3BBdTAi2OXnoaiz89cDXP6Mh1HBX7j9Zzy9XOxuzNL6"
    "dxkX02hcDP7GsYsXhMUE7QWMitlKAPFU1R8qudKuCKQPbQrdrA/tfrl2NLptiOvZER1RVQ"
    "c9SSn9Pdvs7xnxHdWceDJ0a3nytGxg63aJk1kW6kZUJu+WeSta4Gv2at6K9JytAVLB3fde"
    "zYfOP7WaA7ZlZ1VZXDMHdQJdeAt0fTcYlHOOlI40javJqMNfh6MfY9ePihRj1OWwdE0q2p"
    "imTXVprSjVVU374QgtHUPDOjIspNmGRXjlpkrTyTwt7dJHsX8zsOarS8L2woXC1p/Pgk36"
    "ClN21V7ypxyO39D8w6TsRA3bN6jWu/f0T+80+Dv7dLKvKj4CZ7Jih+4bZSPjEkQyJC49d2"
    "lh5SfONntu2yZWLT6oEVEK0ClQbQvRcP9tVlt2PhwOEoqy834qRPb67uq8B1OZzeQoo2WO"
    "GFsuwEcGYeyAh2V45fCxIZbFvGwUPlOaoT2YTP7pqZZruNSqCmyqba3YVES9lA4RdOqi6Q"
    "tSke8OQMsE+LUDfiCIBCUacjnfWh/ALXtFP9rfXg0dL5a2iy3theUlSde++nOluwlopIW3"
    "UY46nAgVoI2TSOaPp+61DFepyk8niSSuvFh9PqRFCT6EBLTh9B7pLTwzAAViTZZUQNeQ+v"
    "NSwaMsorKQIq7d6O6uf5njgZOhTAHueYZ+TOn3EPYCmBnG73zZMW5tZl+6z34hzc5rcR1D"
    "GDNeiYWMUYh0ekg/gdYi6otAFQtpxmkkqrJA6e68MCKpXzoNFNbQjC9ZWZy04eKk6SOsBl"
    "il31CSz6oB0tBTQFBIY7xlAtIRsLmj/sXtzmroYv0BOz3LdV46HL13/PZRYQ1d1jCeEqlc"
    "gNNUNem8QNpctR5wqJt+Vk0A6Cdk4SfsIG9JJSwd2Q4K3IT48Uwb9MVVavuUZZTalVTYRe"
    "orwbTYjSiu8nXdMMKuWm0AViQi8X8N6w+DdaioM5fHxBTBnyGVw7D2MDwaFmf3KVfEJKRt"
    "s/K2czu8ubuBfc1eest769f+Z9r0+vYMhXZYN7g66l30+l9oFRN2x8EaNp5onZPh6LI3Um"
    "66/3vF6JiPiLJUXxaMdtT7fHcNRA6eeZZOf3/pjcbdAb0CZwlRzXure/nXu/GtT67q//CI"
    "S2nTx9NunGXgvavo7oPmwgUafirjOvcp33XuU8Z1rgUGkpa5eaencqmCch8LCsp9zIC+Py"
    "aSJhktaSGRFpJ1LSS+fFNNS5qgEYk525aONBIiN1SQfF11tGcAl1WRJKZWq5Qkt/bybtnh"
    "qEf8G0dFihHgThVvWdohkPqvoCW8NZra3sPcRc+GO0cqOiDGwjPpoB8iDT4IBVwqz+dvrT"
    "64GpAwJrBW/cf3ovzYmgsfHVrurp3PdsZI2izSrclvvitTYvJdfonJd5kSkzI4ptYAgwWt"
    "uKVo2OJFZeaCmiaT2PJ8JD3Hoftyld0gTiPidlBmN8jfDNJ7wdKxnwyunbtgv43RiIhw/R"
    "suQPmAK55qCSIBYa7fz5SyfYqpEvd9JZwTVMIpCMugnA9yBuMWaAe/t2m9P7pB6T69ZeWg"
    "TKtXi25QZrDasl5QplsqoxN8Nd3SbhSCgS6WoxGMtLT5KkFf0VlaJUgx+IH4Wr3AP+KI+i"
    "+piLwQFy+QqrGK1jTM178ymdC8zEdoMqG08Iu+/iFPVVhr3zJ5Trv0hP6AVeE/I4pajNIt"
    "yp9Tv8QaLJcsvCX8m5o9JMUqPj9z7H9hTq6dwmwlEVGD2UpWV/YqXUmCC/S9Zddg/ZOU0i"
    "+gLbx/iFGM+c+Wa9srgU+O+r5KfO1iF7Yh7pXJ9FRLFelUnMaeraoK6Z5eE6CHFr614U+9"
    "4nOrZup2ZOeN5OFVEXOORBwvcJ4vE/sV1c2gWanQIdqLw9YF8hW4Z+h5biPd0OFfFUTUZx"
    "BCgda16fUFP2ZonU6knNsuOVddlWIuK+dGFNsyr4iUKVbHrmqYWXz/Oh5e50VRhRRpHtDQ"
    "XPRvZBrbq9fX+XnmWWx80dQzTJemdqaP/WVbxsQCuClCCfYvhPngqvtHegQuBsPzNF9HOz"
    "iX9hjJncOOZVdkz+MksuxNG9LZCA6oS71xXKW6IJkllPC+akBky7s5C2LLwC0rBMU3wZyS"
    "IrvLD7KnmOalB+FDGlvccra+gmx2I6xcBmebZu9z1bKw/tV2kkJt9u5Rkag/Ze2UZ2hY2g"
    "ZOG7M4bBJUbAHZ/Iz+D83wQecjs1rTqOwXJrBTsd1Ckwm9NZnQksb0U3gW8Jp6vrfurcmE"
    "duZfpMoDVm4mUDBAH3Qm6z8BqWU7C9U0/oWDtoZL0AwkFeygGdy6tw4IxugMKM8mAOMxfa"
    "Vjv8Hk8Aj5kxotoTnR7CWGxzg0zgd6Zr+p5+BkIjUVLdRUPAeLo6yeImwvoBPoSanyyicF"
    "5ZVPsuWVo5VVBeUklYBYfygD9Yd8pD9kgF5tNFVwThAJV6Gp/jQT+6XokXbYejQ94dhVLX"
    "WcoZMytNT5iF2Xt2XYbio/c9NrRstaSs+v4JrZAVslPAcFZTmCc1RqNl9ojtW0LSMv+0Wc"
    "fiDIp6O5MFUm2qIFJgRekCcKlyOSMmW7ZEqY9KSa9TuiEFDWOS0lV54WyJWnWbkS9lXX47"
    "holUumGFE3GDoLopZV0eLdGd70rs8QpaTJDsfDAcuZCKytbbJ0iZf98VV/PKYXdYMsDEJ8"
    "kbmy7F/GGf8k3xn/JOOMT9+5qjgapxEt3KF+JxA2C7yqjjZJKuEix0/L7TUFWw0X5qe1hP"
    "4UaQ1Sfzv5wLYL+RwX+3wpfz90O9KJpxbVTsBGV1NAJIlkaDVPq8PklapeJykqiSwX2eBM"
    "qaqNzBJK7Vkb1JEiTtgCfWSwedagOgMe172KetszmMuq0JKHjayntAOFb3gsNafu3VtYkw"
    "d4GWhXh5JUpr8KbvoAb5c2HZbUuWp1eOr04NZRoT6dLsmpapXUqK+ynRgE+f5raObYC6Yd"
    "dwFu6jC28gnzLNcw4a/fMKtp37QzbqrmcCdmfpYyP/MuNfL7JdtLv416hPuqEpIUjDJLSg"
    "pG20NUJvQTyvWlbeBuRRSSORJryfOQPKWk5PMKnu0VeK489i5ciYfdO3pV5FlAs6oyz0J9"
    "QZbt+q5AWdkE2tF/4feBHzPzzGJTaBukWjrLMclJPll/91Iu2v0BeVQgF7FxrCoSrYgElI"
    "b2RPoR0KAthV4p9LZkv5RCrxR6242oFHql0Ns2SKXQ+z0IvV1PCz6Yk1ZylcOvKKska1RS"
    "4KX5IGHcgsCXJ9UxVMtFQR9YR7pHoYZbpvEE5H5VVRBP3hDLWMIdfobJjXqkaSVu50EnJl"
    "afMGFZJYKufiCIuLb26CeloDeCvuGy6rjkGKRnv9ifqywdQ8PM6Hhv0ZbQm04fPjV0dEAv"
    "MBLEmgWiN706Mxzi0kaHNHXFE3YIdA/dgLRuPcDbsHdm6THuLVXT8BJWBuuT2AhmXfB0eo"
    "Ug1cFwbbGEf9+A6P6GYBf5icKJDC1qocAua0tm60iUcPivUFuSrTl/aWZBLiokkSIUiVdt"
    "uJ6EYWkOpmWwqw1AgkzCvzb8ieOp2hBkSOUwrD0McD4rrNJTFWVOnEaYcja1KR8CXqkCoD"
    "EKCWcaTp+jXUO/nCAUUL28J+rkUlYEbOnrDHGMTLyAOKHG95uLLbrHKQTDZ+qcmPrc3ZFL"
    "29w+efJhfzZKl8NJlc9VwOOlthmrTZUfnWrgdgb9L70zpja5t8bDweUZIrap31t31/4vz/"
    "J/j3qDXnfspzEwsbpuwoJyuQoLUhXK3G7SXApfatpkvUGPE8rI/jYfcVSvWtXqmKCRpvHs"
    "mWY7lTGNk0hIs5AuHVv3NLcaqEkikfQt0oujtYgSbJpVV3+CRqLKU0/5JsRqsCaJJK7SQ2"
    "YHHjLBIVQDqjdRT4ICmzywX8c2WOA1YPsl6klQbJOb4evY+mdSDdAK7tuVOLtfh9UXnpqD"
    "tWVyQVlUEzJmibpNTH6qAdVh2I+YsMbFzMq+cwn764YlwM/9dxBkT+CU/q7PrZBCxStgZb"
    "xWucooXbGKlpOOnOE42bY5DaT7W7vc39QF3yGiyCclohFJOGrYGYXMjSV1f81Cn19yOk4j"
    "i04nlOXfX9Fpaa+qx14VeJNXrDudIBJpG5Rxaa1CtEDrpkbRIRuKL7E4kz2DuKwEk1yvMk"
    "CtoQC13URUXaj8GkTs+lGR8KOpZesP5WMpJZx2STh+8NU6XF2SUnJ1beHqOC4qwdu3ivvY"
    "+1WV4T3KKPkMFy821PLRfboP3ezhiqqg6nuN2Rha+NaGP1tmNXY6S7fDaGzMPLDJl8NAhB"
    "OzmIlQVsugXk7iT9Y77Tc0Ysp0X7tkLv7p0VB2lxM9nAttnKRBz/5WAxwTanV9LV4tTic5"
    "tbZwaqX8xdl2WWVzilFIPVErvDNbZteWboTtxbVAoRmyNhsq3UI1z56BW5YXju1+0tWtTm"
    "Cruro16/Xasi12U6fXXWfdurC9JT/pVnDnqFDEY21KV6pfYIemkqKprHSDsHQSSINegcSA"
    "sUMHGgZYD5Ht0LTP9EeQJ8s0FoZLWApoFa5Yuv3MK2pfa/80HVcX+V+IdMdeLqEHGGA7SO"
    "HlZ6U+mEzoPYX1MJkggt1DpKkWsoFJRVNMU1braPoS5de6t1IkTwZ+xg5Bz3MbaaZqLJDh"
    "ogMVncEPQs4m/kBc0DsThFVtXpABO0Sgw2aqjqVYvNukWnQIMrAWJNQK2ouYTKtMHfh3+X"
    "Xg32XqwD/Cd/HBfT30PaRtM9Cdz/0/aDA727vurZve6KJ3fXsWbl3p/a/MIHwqMQafcofg"
    "U3oEpNPcThNp7UOyvs7d+LLTzAZTZn8pn61vYVgKWWJLVxjTUG2Sc4iFSfLUtH9oW1JBtV"
    "PwaLvmk2Ojzqo+W5EJSo7v1saX7tMgB1VJABUnkapYTkYH7CjMGsykyArAZgml8Y3jsls9"
    "Q2aSSJjjvjZQI51HBVCTRHIj4IgCVC+0xnTN0MkZy5uxy7Ws8ElKyZy0mTlhW8yaHGiaVo"
    "50m0fagGHS3CABZUqYt20Tq1aOtjtOlxriKRBua58MNeHNDuv5cDhIjOh5PyWkX99dnfdG"
    "BydsKKGR4eapqWQg4XfoyMQ2xeq+N2kyyexlF1Ro3quGbIpKJL279BVrE6AFPk1xw7QMJi"
    "zyFEmtVul/05D/DfcIk7i+gmv61N4gLRLTSGwaMhX5ygi0RSSXO9bxYrkqdbgpVqNVd6IC"
    "xrJ2bYiVYInNtppxK74Gc/0KV0v0NedCJdoWyrgY+s50KNBuInXluRc48h3YFqYeNEHDQ5"
    "4b4Vp98IPUVj6ULLZROuPt1BlPaiO+Q21EsItUC6yK00hxWSY12kEM0Ork2DQKaNXRngFc"
    "Og4ovlhlRiOxMxqlRZZc/jIp1rzKZKaEqpL14wn2i70HfOH0BdHADyoq0GLsxLRpeMfByf"
    "Fx0unmEC3Ux6C4O9x5E07JbDn5Gh9wb7FbaG6bOvJg9jlRyXbtBWbBs02fR2jwimW7yIUe"
    "WAcE4EX0UaXZXPiXtpfs7k7ZXTYE5WENm0tvsIwbSBBKto4jeJZWJOan6agHKcBJAU4KcF"
    "KAayWiuyhbKB5HI0ViKRK3E9RaReJXS+9UzHpY1j7Vrg2jLPS5dXe2kPfws6mS+VhlaGV0"
    "C9HNoyKlwow2Uwi0K223YsI51lGYFY/K/dTMFCRjQSr8h2iPaOkYGkYz26EX5rbjFiTEqK"
    "FXmgZjMgk7mEwQTB2aKsPBTEVgoZljL5iiIOj0B4KIa2uP6HkOd30NAjzAICjgwn+iHTp4"
    "AQMOLwo9MgmJIHia5afjoEku0NKjfjAE01QYMEN0g4KlmsjPRnzIknU82JggOu7Ite8t3m"
    "OpczZN0uFg13MsrMPjHKzBhCJobj8jmAYvufY7qb7YofqCTch1RO4UoUi8qswysPMsJvUm"
    "GWhNcHvbUN8T/UWpsJNWRLeXGOAdcH5CjO/e5D5uPTcQd3IM2MMKoCZoJKoyaUDTU9aXMC"
    "rN2IhEhl9zMv+4OdnzXk/wtiJuMNWVGYSIVgC3M+h/6Z2xfJL3Vu/6kuZ7g4PfnxI7zu4m"
    "zW35uItrbmOzbz12VSY82PUAl+JXw9U5faloVE3TSR6Lx2M5tu5pFSN0k0QS11YE6IqOqK"
    "zm0IjZutkw0raBu2l8LtdgHWyXNaB6E/UkKLDJo0VWyqgT26qVMiIOqgZ4BXe3yHCbVZ0u"
    "6g0sX1n+hYst32a8Rgq1Io+KEgHBkVtFpaBgFklhGdTVYeq9YAdNbe9h7iLDCpwfaCyFNZ"
    "lQFwXqN8AaUS8G03Z5wRVnad1M/U+4t2gzf+oA6QHt44iGZzhHyDqEjrLxHagovCM/dIME"
    "ziyhD5glozZ26vbA8W/MxZS3XX2/LHgi0x+N5rJdOvWVR1zJgYFD2qAKuaL6eE0vhpO3b0"
    "uoiqFVrrKY3ZPqYqku3oXXe8t0w7XbvSiDUwnRGIU8DmSwS/M6rpCL3FCkTbhX7xnCZeXa"
    "2FqVkRkNRWZkDqwaMBUsI1ga09yQi10XLPVx52gSVgOSr0CIMsGV0xqEcjqj8wMdaPREmK"
    "EzG3FRlogrijNCejctgkiJfKd5FFzV9Tjaw/J+SB4vEKE2KTKDdYcWngvcIKu4It30ri/7"
    "17/SApOM/t666fYv4adq6PfW+Lf+zQ11TyJzgybDu7cue9R5aUSvwUoznrBDr14Mr24GvV"
    "t6VbMXS7pt0Kvd64veYMCuUpxMk17t/XHTZ/T429Jg1KPe5zvfC8rBM29dR6iTMrVGT/Jr"
    "jZ5kao3KUIith0J4U9d2VXOdkJ8srUhMe8NRP/ua7kSwspd0l4XXWms5ZGjlKKw3CmvvSH"
    "I7qnshZPH/63h4XbwAeOpkQ3PRv5FpkK0NQedn4Fw0ii7IAobpGhY5po/9ZVvK/QKMKUYJ"
    "TXJ4Ah9cdf9IH84Xg+F5WkVMOzgXxLrSGGv0qYx55VO+deVTxriyVF8WsJkoC5AX7Zyq9z"
    "mupRlK8cxZH8uw+2kjSYzd/5iGm+oGHukJCvLdlKcuysebQyoc4B/flwD84/tcwOmtJOC+"
    "ALhWmGyCUkbKtjnygGoS1hjiGJmMLGnz+AaqoXXyGSQo5Si3eZRXyr51CqamaOVIt3mkVw"
    "rcdZx6UrRypFs90qFSfp2RTtHKkW7zSId2lTUGOkUqx7nN47xf7piNGozF9cb0cyOuM+hJ"
    "SumD25ZR56z1TIFD5jhSzb8xTiKScaI2l9HdZJ1v2Xkoy5fvC7KyfPl2HZxXvnnSE7fIaz"
    "R+rLzuiitrwpfFVdaE3waq1WrCN19+Yk9hza8+Ua0evOppNVQ57/q9iAN3YlJyQ+LXB6ty"
    "loN9xMxw8aY4sViDPvQj0JnD8zfZEKYbvxeRQKoU2pIRJ51EVVI+sGHll9fh5VU6FWS9rh"
    "MUxNZjXmBQuFhfCQ5SVpvDqxFC+R8pS4m0K4LHNVxeeGqBD1dIIKBv4mmp3A+nBbkfTrO5"
    "H8ijVwXfoLmA6NbvGSerC2whH4BluMraBYZ41CLB3LSDv+05WqXtOaJo0LN26r0w+0sj28"
    "j7Mnv0+/wt+n1mh3Ywwc4T5rAX57ZtYtXKM/lHZCmwp0C3LbRD7qNZG//5cDhImPzO+6nZ"
    "e313dd4bHZww4KGR4eZM6lYUg23HdiIza7ccV5kHuhETUtOJR9oG78aZR2S64g2RLUhXPO"
    "qNb0f9i1uZZ3sLebYjcHeTMidUw3J0YzENbb5mLK4MLlPLWAPO/SEoJmwFeXDcuUNz4iIV"
    "AVBPBr10MJlotmGRyQTaIPgBHzqZHPLqGNfQo1TKtUspFw5aFcEvTiOg8qj+ONYQMMXBs3"
    "WADunqAXu383nLEdrqYt2kKWlKkZhpWbF615tKzWma2PlabX6vSGQWmjU1pC3PQMfRltaW"
    "gm58d3HR67GMcMTTNIx1mibuc7fPcsnNVMNsddo4yrubKnHfV9qRElTCZY8oYyLLt5BlDG"
    "R0DngOBlZFJTy/inycs5TCYb0Va28L8v+0zI9l28ylYSkz03iYu8oahgU+cS1O/wJIqPsa"
    "Mdns/N7P4DkZMvk9jnqIUVHIpIyC/z6i4KUdXto1W2Iget2uuSPrUGCa41mHIqtdgXXIb1"
    "TSOjS2aSJKwBOpq5II6EBFQIfh4c4hItg0yU9hCcXQymO4BAX2S5K1ENXWq7QStctKJF23"
    "E/qpUmX7TgvK9p1mRMv4m2VwvsXf8jK9J8kEUJwUsT29P24THE8mi/KK6xkMr38Nm6dTK+"
    "+9Vhd2duMJVxyAzuWo+/n2DOmOOnPvre7Fbf9L7wz5fcFvABIuXMIV2LeNp9aobvfGlNS5"
    "G182o02s2Za0tgd+Q873mYNUMLOSDYSsXEcFxiVJJAry36kOUWZdkypEOeprqhBlMiuZzK"
    "rFgBZo7GTeJZl3aZeovp53qY3pgfZlDufkB6orM5CoSKXSf6yPlPC5gYyF+rDpdAosC33a"
    "lag4kTk2Z3XMqDHtSOQZFZpgNoNJvAC+atmm1rP7+Usw3/i3WqKvWgCVaGMoESVmIW9p2q"
    "qOdcTojpCD32BLs+kV1dIRcYFr0hH1taCxXD/DJFF0w/nlLz4d+ctkwgkVq61baQlslyVw"
    "qbrzKrr4sL2AdsCtOPW6c28xVaqinKSSWJfD+tnQeTDn7hGr9lJdxFEXzTF1bq4AZ0Qg8e"
    "TgObOdBU+VXRBIsaIQcAf4VMaZP9+XP2P0tInBd7bIN3fGSISJoftOTW7S+lKPzU0mg2rE"
    "VCAzwNSSAWbHLr6RAokj5ye0S/lCfkqbVSYPTAAIInP72UKGhVREVf/HqOuiBWwHyLYwoj"
    "0iexbcQwZBS8OyqLDuwjW2A2el/Fq75kj6f64MOeEC+LsU/ncp/EumqV6myV8IHH1rUTLQ"
    "iKjBVKCrK3ubC9SHbZ2693FCGWfWHl+gLDsKTdca4jidFEDaMuRSAPmenL9ERLRApGvWRa"
    "lt4G7qo8T1+pJSsghScug/wJGRY64Fr5vB494MZcTkqfdCu0BP2CFw0ZdYg87OWIjq+Pe7"
    "I2QzEoIOiPEv6Af2P9tz7r3Tt6cfD48QC4kJDdzaI09m3tpzuAJ03MmU1nuRAvQuBWhZoG"
    "drBXqC9ZKF96/j4TUf3hhJmuk3NBf9G5kG2doZ0Pl55lnM6RV2BMN0DYsc08f+0tnuycAD"
    "nEKU4PczgbXpGNoUI087SAfWtj2scBfMpMzDKlrwLDt+K5yUq/ZSGZqerQZRosj2CvrQBJ"
    "2sjlReIypN9vlzW1yNmQyY3Jo1R+oipTPE/ql5eJtDDeDKmFQZQLkJ4ElWRXXcOmK4LqAf"
    "kUO4ZKCpDDRte8TbVzyd2/Zj7ymnGFri/lGRqv/Zb6ngpyp10VZ1yjTVNOknoWdML2qYEK"
    "z7KnjWIzJ0tFAfMaGuaxieDjKm8wI/LPuNvczxh6utaxn51i7dvayUlk33V3ulNLY4uAJU"
    "PshxGlkhLQVxtogFw6YCvGF7Aedv/fXdl+oLDV+uYoWKkUgrVO1WKAdrmGYzXavCQIJUaj"
    "nbruXM6Ix248ASFPMdeu7U/sZjcJMNCjncoOavYkdtX+VwhxZOMqLItRmzidSZSy/Zi4Xh"
    "ZtnXCnSSN20Xb/oIn8U/019PYR3SNmjs9Wu3VDxiOn51wbC2YHr67oZfbUENtpbN9O2nyv"
    "erkFcUEhJEArKyspKy9OCRlZTXcuDZu/oP9VX17V3fniES6Fl3X+xBdV04E3nbTf5eEyOR"
    "LlXp7cPC31wlgGgNCZhDLl5G/D0RekOQCn17aLVqBTuOXUlLnaQSoIZQA7nDYNDglRWQRa"
    "ognaQSDun6mVDpopgPvVjKuwRPRlVe1Yc8RibD9Nt2TLVEOQuMJKbqUx/9jGo2fvuoSDFr"
    "RA1LOh5Q9appPzzQlLgRMTp4dgzgsFj2nKnqanNM0PQFncEzzybw/GMHa+QYCCdHyMJP2E"
    "FBtZpDvga33kfcW/fWZEK9ZBRDn0xo8p5VsCL1YbCdVVof/QipBAWN6QSF5kR9Icfols5i"
    "WhWU7lj00bTPg1W7IxTt1YeTyU9Io+9I23vLQPWsIjYEqw7oY/TSGYL/7KyeRQliJwM0/L"
    "PjkVVB2ES74Kv9kMnSuuwixYhg6uxGdCH5Su/EYK0jvCc6aLOmpHMzGl7eXYCsHiy9e2s0"
    "HF6doTCJwI6TaYYrJTMO+SshohBJO1ib4L5fBp01ZvSXfu/rGXoy8PO99bV7e/HbGXqm2/"
    "69BXMMJro2V2GWD/q/986QaTzie+vXPi1f+mDQ6qWfh4PBEOhntmna0EP/6mbUG4/7w+sz"
    "ZCyWwKrQ0Hroa9C/+B06Mw3tEX51R7Rn1YEehqPL3ugMMS/Qe+vmjk7tMTxr6VG3boLboR"
    "B7zsmp/Nm01bwk1XlZlWeUpj0zoA7G93J4dz7oIRj7iz4d/CSny27SS1EM3KjXHUgJ83sR"
    "ORLFISMmr+QRFaOQR9TrUVke4bnGyqihZNRQbFK1KefOZ0f19M+m+tDhyMTRzaMiiXhGmy"
    "kzaFdSIB7bC5DYqJynIkaMHM/EcKZ7FsiSz4Y7D/zlDR3DnDmCO6EkCDMD/t+1kY41uJuV"
    "hGvs2xeBiTf9B9ZckGkpOgQ9A38CHAvxu0QHkwlsRpTvOPsZ2If5LxOQpScT+jpn745+PP"
    "rv4Dfw62cfzo6PjyeTw3uL5u8BidqfxGgJgi7l3Y4QsVlYANFUKxDFQey2kL0EGZ4CDII8"
    "cUEUZrmDdJ19pmVT6ffI71QNXl4PmhMEtxFMTELT7j7ABGUfDBQgoi/gj/91x/CKISTwpa"
    "r5DPI7mtswhSgGweQlcOuAkqoaq0BN4HWebPMJ64csI9FkEsTW+C3ZD/b+gTpiob4AEwaP"
    "MA/z8xaFTGzwZpm8RX/GTK9xgV76nUm/sxrFlDEw5r1LpXt5SeWLM0Tg0+hM89f6vRXcv+"
    "x96V/0Vrd1WERaILIoI2Zzp3KL4jCrOxVqlPO70fjWF22UqecQ1xd8wutU/AmvX/e+Kt2L"
    "i+HdNbzn1+4I5H4LA/Pjrz6FwPa/AJFo0B3/poy7g54SI4BXjkIClRgZvPuvV1+U7vXwqj"
    "v4X3i/xZMCe8hCNV/uLSqc9UbRTSqmwYIO7q8jGr0rIxq9yxeN3mVEo3Bj4M6+HPtARNLm"
    "SdcmMyfxFgvVqeR+FCMRzsD5rhTG7wowfpfFODxxsyDnB43EaWTUSEIIrSNqhGggt1RSu6"
    "womtS6bMsNacsqlz10uaOsd8XJ3Rne9K7PGNMOZzss5P7oqncJR7ttzQxngfV767I/vuqP"
    "x/SqbpCFQYOE26F4DMSHNbRiSUpph2+zUiwydK+zECPqBheiZVu46kK8BvhgOIES2ORRr/"
    "e3nvK1Oxj0gM+eORj/CyvPqmliyoJ3ry96A4UZB8ZngZSq+BLsWguz9oATH3TFdySrwjFk"
    "CCXbUDvbsF+2hEYVEeI6qwW+MmsMepJSQAPSno465+zMpA8K2ZzpSzWrUoZuLdtSy3ii/S"
    "8+IiCgBba6ZmuPtAzbsqa6vNIj8Hx0fTcYdHL2g+aMoHsKbGYLzIF3N6bQK8PyXHzuaY+Y"
    "m50scf+oyCAKTzBfXEMjyoLRlDSLfqWWxTl0iy3mx8tqaDIXW92j+LPfd7cXyO81a/us2o"
    "Fv4PR1/ERZYvVxMkF/QdEl4i3SV9TF0sTUvKfZCwxSFHTOrtHu3TnIWfR5PxBEXbGonhIx"
    "owM6UJ9gQj9g9D8IOoUug44OqeUxsAMGz2B9M+uiDiKJYVGnx+BW0KtLv43aIf3v+Ck0PJ"
    "LgZalJg8UgU1Omg1FgiPyvpWro/xXQ3ls+MTXg+veVpalqWJ9MzpD/f4fMcMtyDoQ9+79g"
    "CofdhxcotOT1aqb+MzerxSL9jOm9JvyMg9GqyNxHVOJJc/vLx2fFt/i+V4HhTJPJ2OM0Ex"
    "87PartXilCYZBtOHVE6qxeY27HKIUZhNqm9z9sg5ezOxfUVXsJZRrKJONXAdMsoQQ3DS6L"
    "qlAIhsfoFfP4ZEiFQbfpLD7Um2uBCQHRp8r8ztAJMwC1TW/qQFdxWq9IhEGz4elMfRmrTO"
    "NVe2EAr236MrdQjc9KFM3hJJ0wuDY8kaNQwSrTOUUlDPi1TWoWblnpnFsRSDDTYKo6tLEV"
    "GrVaAdEUlYQ1DWtC2VsB2AydhJYPbWVMJZhcBiE0YlTkD+JkwqDaMHsQGH2quCFEFMKAXp"
    "9XR8JqVm0+Z2mFwbdpXQTzaTUrHXoJGmGArzHL6rPiZyKpdu5l6CS0WfXOE1aIL21V8wjj"
    "UErPsDa42rXOSVUkX7u2gbupsx23SHF8adcA7QC6G0e97dd+UBZgznbYKrc76vJ4TuPdOx"
    "yfu+jmUTmHO5apgoXPl64KSmDOYP2NYSFK/ANhofmEJbSgZhgUmmESDnX0ru/oc4Qe8dKF"
    "O+YL/NEy+cPqf8K95c7xC1qqhObknJm27aCDM+rF5Cf1XKFB03syEfuYJRdQPg+Gw5FCsx"
    "CMfXc2hWYeGE8mh2esz1VWlFWOEPqi0JK9JUOVZVMhfiIV23NZDtBnlsDEVXOrl0b+b2Gu"
    "IOkH1z5JQfrBfZ9+cDmG1O/Iilqf/QP2yapmfgmlFE+acbaSiRClwLd7eaSSwCdzS5aBtK"
    "W5Jb8w78wvBjG4sl389lE56S5IR/ZEaSoUX/DJaKRP0MEjfqFhPn5iw7OfDT3I2jgFYSa6"
    "QmscTCaqZVvBhUMQ0DLiXd0PuKfpKhCV2lEgtbNkj75QCE+IRHno4G2QPBvr6HlumJhle6"
    "S0BQkWw20qqROIXpyTcTHa2UAEVAjGlqyN0FJZbS2VeQ3acqGZ0djiyICanw8vSSVg4sGP"
    "70skufn4PjfJDb2VBDq2wWSALtY2JCkFTKkhlMpBXXOUE4RykFs9yBGXVjr6LCSQJ1DGtW"
    "6JLSoIWDiqPFbWyY5DKgGW0VJt4WWlzk8knV/LrORS5dcC/VSLVX4tm66bavx27czRxY6h"
    "zTscbV9w56hQ0Re1eU2vl4/o61VBK2muvhe11dYqhTxhh++uVaA4iUgE1JqcfvhQQm0Crf"
    "LLNdB7qWAxWFQVEA6aC4juSalCDScFhRpOsoUa4IkutiplXY6RNJ9veTcaitoyK2cYriYP"
    "s//8Pw9N7mA="
)
