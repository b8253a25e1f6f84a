-- Threshold Paillier: a fixed 3-of-5 key (dealt once by
-- paillier_threshold_keygen(2048, 5, 3), safe primes; for tests only), every
-- 3-subset decrypting one sum, refusals, tampering, and a split of the fixed
-- key 'a' of 10_paillier_types decrypting its old ciphertexts.
\set VERBOSITY default
\i sql/fixtures/test_keys.psql
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  DECLARE d text;
  BEGIN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(nullif(' | ' || d, ' | '), '');
  END;
END $f$;
-- base64url <-> bytea, to tamper with values byte by byte
CREATE FUNCTION pg_temp.b64d(t text) RETURNS bytea LANGUAGE sql AS
$$ SELECT decode(rpad(translate(t, '-_', '+/'), (length(t) + 3) / 4 * 4, '='), 'base64') $$;
CREATE FUNCTION pg_temp.b64e(b bytea) RETURNS text LANGUAGE sql AS
$$ SELECT rtrim(translate(replace(encode(b, 'base64'), E'\n', ''), '+/', '-_'), '=') $$;
-- flip one bit of byte 'pos' (0-based) of the binary form behind a text prefix
CREATE FUNCTION pg_temp.flip(t text, pos int) RETURNS text LANGUAGE sql AS
$$ SELECT left(t, 4) || pg_temp.b64e(set_byte(pg_temp.b64d(substr(t, 5)), pos,
          get_byte(pg_temp.b64d(substr(t, 5)), pos) # 1)) $$;

CREATE TABLE thr_shares (i int PRIMARY KEY, share paillier_keyshare NOT NULL);
REVOKE ALL ON thr_shares FROM PUBLIC;
INSERT INTO thr_shares VALUES
 (1, 'ks1:AQEDBQEAAACa9FcoGJdBHMVxqcs0ymmOrPE4lWfCfSAGxod1vJQA1OUfO3CudObcAAABANj_Hh8m1PZMdTQoTdlSB-ucEkBBi47BSz6OZxwaskGT0tAkVsHTqkxbCs8YGtL-hrWW8qF0FxtPrqAIITTgj29yhLfzs0Qhih0BOcm-sR3hHOtEfyPZgzhGVFxmR2WhJt-461nPDefULNaqeE88DxDrVGpQAkXqeNRoMGWynt6tnHVOft286OUgHc9e0s0bmTPaL7KuIcnuVTM3aYKgzN2aDntSkXwnWTa9jFWzjvh91sowlxLDd0MBZSZN5pShrxMprBMCmkQixGczRvWcXB4r9dIUDvZRjzrDpUhEMOMNvMyQ6qqwqHF2WX4e7r_yPivBu9wn76Yx-ZwJk6ygY6EWcCuvljD94s6zxTdFkLZdQDvI_s3rxbja_gDy9EETwroNDw-CI8aVfO9oxeymUeupJbZRrXyP8TEYhG-cvJfM-bTpQBr9jdI948RmRKhHLlGygNBBt4PQNBD7BdjX2lKCmbap32Ah9hrn56NcVlwIWVD-7p1_We7nn-3f4tVJ7rBj8sAQS683oHlINTTuChIlFLmXhzOIxCty2toLSP0_uDefe5TBanKv3k8wtxP1hyCsHk7GL6aEu2QpPjANPW87ob_J_tK_M2a0-zpWDkInIGyXGU-uUk6G1ae_9YcgcHUE0wL2-Fd7GPuemnsz5Z7AvD_0vL8tp_WQMUTpqWwZ_oafniXv1YTf5eXgGwMpENfmzruq8uVs86asSGJaOmzPwQpdr4F2kNkso2-s-7edrhs0q3nucgiqKlD_GCI1jwlFxj_GgapM9MlRr9KmMvDhuCfzw-z5v5XEGpaQzghPZxxF-9ROgnpLdTfgAXe7IxncdKUuXr4AYE7Ck8Nnp7ZbgAoMrwqCaXVqKcgQRoefyePf68cW8mDTaNf3GnVhCBNcF9V514Y-CZycMmwNgpXJ2pvVs0_YI9KJHdbICH8lhQUYpb1iP7hxtglG_UY16KWqjrCEZiuGbl3qoNBJX0WVzJajivTvQHSnoAz3QZTrsWzZs7-_gvuAdsCFf5DwglSCWXEqRJ2qF1YQeAvzSrv1AaaJXWpoT_qhDUKA-9eXQY_EMYUghkP4D--lDfXCaYLfBeMnnh9XQVk1T7v1vQnAHXRNlCBUkewR0Ablx2kkc1wTCwWPP_er_BKK2JeRht5tzDuBPjcpQHX6Os6QMDyk_VOYTlpeRDmFN6Gyv-q3dXxGDdEJaMDkISyc27p_tSGic-4tv16AhKbR1skIrzh6RX89Frd06TBiKrJzmNPOhu07WFwkwpPrPds0nxdRW4p8AFNVPbASUSmBCQvyLsSwfdjNQpy5MXUafpsgmHANFNf78_wAtPfPxlx1Qie9fLm-bahIhWb7ililma8BvcWnuq7M0h_pa0-iILiABBujmdMCqONE3jOMs-KTmR1GwrYsrx5wGdsA0ossTZIkn43XoatIbhypoFc5fRIvu7beM67oy0U0na7QKTQAz-LteEPTvuYTAK4n5mQiUxIyaeoWGArkG0f71VEdtEZinSPv7dp4XMejuXRvlDsbkdWSFGuPKGCkCGy3Roeb1csvS9tNG8kE9UhOVtti8LPMFc5qvk7m6CTU7weBTH7CDamcd7TK4z03a-T61X3E3fbpLrwBcPqZrD4ucYPInJkMxQGXs1GULbIQtjsy8fU4l3NiLumR9uNqXTeAy71_rH1_GMzscPuFXzoFZnuFcCoAWGqBNLSybjOkoTD-2uWwzjvTTZlxnfTFpbTpS6M5eXnkTj3ZeSNO0znuHSGs7G2tPa54PUMpWXjEu6l91cCmPpt6j8fABq2krRxIZLph9ct268NZfxNw2Dj8lUqRGav-cvQJxFVuuP0nn2dEcbYs-wkNnVoozqHxqhsMeO5CAMK0HEOU0pQ8MymfMmkzZ_Me9MLiZFIPVBxBk9kRYFsgkRM6RAAAAhJuJHkycovmN-1XjC8fNu5UC1qS05IhLdBUUmNVCkDob6TmutNXnpewYfN5u3ieN--t81PEJ0DCKek2RGtndTGTngVc9SpPZRcf010Yj-65fVQ1P78VWiRujwGi6O4M9WBHK-3Y-lWS5N8FY3iaPLOfnBVlLG-zQ8RuYSjq3hJ_pe1KBM6VDuo9nU_dPZltWf2caZfITLjgUKXcch1FmhyfBACIvqaxEHXVA8ajyxb_xVVjflT5Shn9666j-Q9EPJ8eeNNF66t3VeKwmE5Qv2H1BBGs-5gUKIuQfNqko3GsTa4UCa_0wwrziH_qmsaYI9omoJ6FEBWUXFulCr6acuqNwHvApf6kPkdeh528pMLNRGhOsVrBcM2I2vbBwF3op6ZH6dKXmtfJq4iDkFD99dv4MBzQOnG7WSVQOyK-EdnR-wLkiFKGvUVW-SEKWj8PAt7Prg3q8w6L9pTkGVw_jLaoW0xHZeq5q8PQrTi7zn9nUexHju5TQHqwo9EkDLcyJ2Lp3Hr1xpEWBiivUCG17QboCtOqIp_BRIcjMzg2Sd7dztcWd_mVjNVb6RHTQPIrcJdaeSMiRyt13HuocHXDFHCbX9HKReYG-uexSNnUlyODTYcvjqqRONu4JfkHepJ7fsbzunYcD5x5AW4viu7PiOPX5APIwmvpyKir-sK5-wLm_XYcZgT50yDSYMBuld96SGvsWQ'),
 (2, 'ks1:AQEDBQIAAACa9FcoGJdBHMVxqcs0ymmOrPE4lWfCfSAGxod1vJQA1OUfO3CudObcAAABANj_Hh8m1PZMdTQoTdlSB-ucEkBBi47BSz6OZxwaskGT0tAkVsHTqkxbCs8YGtL-hrWW8qF0FxtPrqAIITTgj29yhLfzs0Qhih0BOcm-sR3hHOtEfyPZgzhGVFxmR2WhJt-461nPDefULNaqeE88DxDrVGpQAkXqeNRoMGWynt6tnHVOft286OUgHc9e0s0bmTPaL7KuIcnuVTM3aYKgzN2aDntSkXwnWTa9jFWzjvh91sowlxLDd0MBZSZN5pShrxMprBMCmkQixGczRvWcXB4r9dIUDvZRjzrDpUhEMOMNvMyQ6qqwqHF2WX4e7r_yPivBu9wn76Yx-ZwJk6ygY6EWcCuvljD94s6zxTdFkLZdQDvI_s3rxbja_gDy9EETwroNDw-CI8aVfO9oxeymUeupJbZRrXyP8TEYhG-cvJfM-bTpQBr9jdI948RmRKhHLlGygNBBt4PQNBD7BdjX2lKCmbap32Ah9hrn56NcVlwIWVD-7p1_We7nn-3f4tVJ7rBj8sAQS683oHlINTTuChIlFLmXhzOIxCty2toLSP0_uDefe5TBanKv3k8wtxP1hyCsHk7GL6aEu2QpPjANPW87ob_J_tK_M2a0-zpWDkInIGyXGU-uUk6G1ae_9YcgcHUE0wL2-Fd7GPuemnsz5Z7AvD_0vL8tp_WQMUTpqWwZ_oafniXv1YTf5eXgGwMpENfmzruq8uVs86asSGJaOmzPwQpdr4F2kNkso2-s-7edrhs0q3nucgiqKlD_GCI1jwlFxj_GgapM9MlRr9KmMvDhuCfzw-z5v5XEGpaQzghPZxxF-9ROgnpLdTfgAXe7IxncdKUuXr4AYE7Ck8Nnp7ZbgAoMrwqCaXVqKcgQRoefyePf68cW8mDTaNf3GnVhCBNcF9V514Y-CZycMmwNgpXJ2pvVs0_YI9KJHdbICH8lhQUYpb1iP7hxtglG_UY16KWqjrCEZiuGbl3qoNBJX0WVzJajivTvQHSnoAz3QZTrsWzZs7-_gvuAdsCFf5DwgrNbHJefOclAjfwbYokoYV4Ez-GKUn4j9CFzmPB5t6P7MKE5l2HZOCiO9hHL7eRcFwkGuN-ddQtLnlerrVQBx6Rbyrx2gu1vLCSohJM2jqlZzcw-xYFZbPT8MYXKkwF9b2JMiFzrXM31A0hXcImW6wtcakFM0IE_QB1OV6i_6LIdHskLMqcMq0DlI8ZPYaJ5TTVM7TYm7qRO_vH3KdXWLdXcZ0axqxVvzl_CNnmdybiiWOgMZhuVx1Wv1qnnj3xWp2kEsG2OA04vYgO0cFzFOtsWaY--XCP_j_OvCc-wIqxh_2ocrv-ztLVmK8CORr_bRcspI4URRUzJxa9DNaC5AW7uXmuleQy5ggDSYnLFuJIeXoaka5vCwG_RajyS3uOcOn0LM_Oy6ZmDSnq22YuuhMEX3JAlZGj6Sqydplqjl3nBARn8NEWCyb1FiMVRt232H7Ojo_ftF0DxfmpTyJqFDO0uOQQNAHCsujK_9NEO300Y5NiM2kwmf8g0ssiQDWAX822rAZk51-Z26bjLsWXFl5LtKmUeFH3AtsSA7pO9w8JJLpAJ1ZmrLVOeozoWc_L3_QqI1r0o0oYaMwk1iQJEmWtAJRO2r0oytX-c3ML-_KRQYBIA9kkBW3CpEOS5UXOfZYCzbsVnfGweN_bVaZqt_zMbV4YFBQbyr2EgWWi84IXdNLSybjOkoTD-2uWwzjvTTZlxnfTFpbTpS6M5eXnkTj3ZeSNO0znuHSGs7G2tPa54PUMpWXjEu6l91cCmPpt6j8fABq2krRxIZLph9ct268NZfxNw2Dj8lUqRGav-cvQJxFVuuP0nn2dEcbYs-wkNnVoozqHxqhsMeO5CAMK0HEOU0pQ8MymfMmkzZ_Me9MLiZFIPVBxBk9kRYFsgkRM6RAAAAhMBpBovhu6QxOaKzRLbQ7Vu9LPTw2_5vRvnt6Kh8rMB2rjBuuQIVwy17zFWtbQ-uTRwE3UiIPnzDA4sKcVQ-Yq1ngdLmWy9R1jz46h93CgnJiKVcjOr8ynNuUPJ7ed6BuvzOxk0BIiGU8iZNq7fc1K9Rvo8YcCvtqFZhXGEgFEufu7LMUDXpDrHSPZdRpjMQqDeWgRujG_xMMVka9Dylkwa585o9lpq2vnTeIolyI13Drk2t8t-boGHNbsLs0jp7f0N8CquQlEW67arx7gMPVCpakGQCXr3E2tLmqL4OOHZnbkbkDY5sd6MKYH0AcNz0AaHRAenzD8RU2nvwJPMCKe3pKapiXFf6abeJ1yfGhlnG9lzU5p1M4Ef35ltNLKu6OW8wib2Xf_22WgAKhTV0IkH1x2DoKhiN2Zoqw9-uR9u1I-FPz4omvWjUhOowAeWbASbAYmG1ppSLu3HsE1yMHBZKUS5mbq4ibRt20b-Pi_-_ohkeKTG-REVkW0yJq33DCBM3_I5ggR7WDhrPgU3t0iHAS4NuTUKLsdJxjzYpkVFZFiMKSpsVM6MqAJQXuAAJsKRl6Ki1UBpkWq3StmjdGY5xLsh6ZmULNyvEpSU7lsPOI_h0Xjp2iwI4v_ehGeC4xnaPX3hjXCwVbOuqKy-SdBAzY1r35viAWodnKgwfJTIg-jmr3jvI9NZ3Xx9C0kvUhwdaRg'),
 (3, 'ks1:AQEDBQMAAACa9FcoGJdBHMVxqcs0ymmOrPE4lWfCfSAGxod1vJQA1OUfO3CudObcAAABANj_Hh8m1PZMdTQoTdlSB-ucEkBBi47BSz6OZxwaskGT0tAkVsHTqkxbCs8YGtL-hrWW8qF0FxtPrqAIITTgj29yhLfzs0Qhih0BOcm-sR3hHOtEfyPZgzhGVFxmR2WhJt-461nPDefULNaqeE88DxDrVGpQAkXqeNRoMGWynt6tnHVOft286OUgHc9e0s0bmTPaL7KuIcnuVTM3aYKgzN2aDntSkXwnWTa9jFWzjvh91sowlxLDd0MBZSZN5pShrxMprBMCmkQixGczRvWcXB4r9dIUDvZRjzrDpUhEMOMNvMyQ6qqwqHF2WX4e7r_yPivBu9wn76Yx-ZwJk6ygY6EWcCuvljD94s6zxTdFkLZdQDvI_s3rxbja_gDy9EETwroNDw-CI8aVfO9oxeymUeupJbZRrXyP8TEYhG-cvJfM-bTpQBr9jdI948RmRKhHLlGygNBBt4PQNBD7BdjX2lKCmbap32Ah9hrn56NcVlwIWVD-7p1_We7nn-3f4tVJ7rBj8sAQS683oHlINTTuChIlFLmXhzOIxCty2toLSP0_uDefe5TBanKv3k8wtxP1hyCsHk7GL6aEu2QpPjANPW87ob_J_tK_M2a0-zpWDkInIGyXGU-uUk6G1ae_9YcgcHUE0wL2-Fd7GPuemnsz5Z7AvD_0vL8tp_WQMUTpqWwZ_oafniXv1YTf5eXgGwMpENfmzruq8uVs86asSGJaOmzPwQpdr4F2kNkso2-s-7edrhs0q3nucgiqKlD_GCI1jwlFxj_GgapM9MlRr9KmMvDhuCfzw-z5v5XEGpaQzghPZxxF-9ROgnpLdTfgAXe7IxncdKUuXr4AYE7Ck8Nnp7ZbgAoMrwqCaXVqKcgQRoefyePf68cW8mDTaNf3GnVhCBNcF9V514Y-CZycMmwNgpXJ2pvVs0_YI9KJHdbICH8lhQUYpb1iP7hxtglG_UY16KWqjrCEZiuGbl3qoNBJX0WVzJajivTvQHSnoAz3QZTrsWzZs7-_gvuAdsCFf5DwghkWEa4I5Ld6NszvS_XdbVLKCLL354eMlDAEOqdxCOiU_Iit60hAJnm6siVdh5jyivs6DKxhtdeJC2Sy5LiCLVry_3Pd9RUWvg-2uCjhwkYbWPb75s5oM2MKTAkFr_GrrS2RJw-poM_DB4N_NAqV3UT5lwFJ7mcX06r8IBQg9F1NZ1tFu9sOlFAibmQ8xSQioV-DHwERzPYAOGAZcnnzl0_RS5PMhBOl0405uSYj4E9XwR1wYvGvdIzTdmj3fcCd_5ZRC6MyRMymRDssNcBU-vDBRi9WMyM8Y3b9OFcuiSedGgHcMjYIsIUHHw_DS34rHUxEvPqLCRGYUBGa1sexNXKa0eByCOenbJooOhLCruj6PQAY36noOrSx3BRpPhWeSqvDCPwnM3rGmI3Haprf7xGW_HGd11oJ5b90fSA11ptv4o4uKUcxZkC9IBu_41iXOiahn0hh98aoY-6na3-eqmShCHBtp_eVS6Vhr1DW9kSeJLvXJKMcT3nYVBxfX1Mlp_OzjYhl76BHk4S9PJ5lulZIerLF56P1Lma-iuAaPtizXSyKomhzlJiG-41WGi5cpJiW4fVs-dnEFDzAgBqmJ8D8gOxW3i45Kn3n7a7mgpyVIThF3lv_Gud4SJe_3e5LAnyUiIndBMFrKyrOXIIATUleG9oEohwTCpbiYXmJ97HYNLSybjOkoTD-2uWwzjvTTZlxnfTFpbTpS6M5eXnkTj3ZeSNO0znuHSGs7G2tPa54PUMpWXjEu6l91cCmPpt6j8fABq2krRxIZLph9ct268NZfxNw2Dj8lUqRGav-cvQJxFVuuP0nn2dEcbYs-wkNnVoozqHxqhsMeO5CAMK0HEOU0pQ8MymfMmkzZ_Me9MLiZFIPVBxBk9kRYFsgkRM6RAAAAhMDoeEi_XQOnAvYYJQEbXuB4fmE8HQxJMSDbYxi6CH5Kk6HWM2L7vls4XCjpGrEWiRlEfmoBkOjMC2nzPjCqYOLrCQWDTl4e8fnAPzosuMyAbH-6U4p2GN535nDK_vsBx-YAyK0sw5yLZbv9dP1T4-R52HDLT6pw3gOPqWrMXDlF__cduQlcmkFPJu13GG9PR5l5V1GlP3qECDd6mCXUe9kI74nNHr-xPrW0fe93OAh9SalQsvPNLMaQ9_o-x9qMzq7LUBsmPLEvUDcGaadViY2LgLPYCglb_L5vrHxrrYwPtoupy1hb_wyzcn5d-149I0H_6gvSL5HKrpE3B3v9T8xB0icDIx3LWXAb7oN4EfR6Gy6bK1g0JvI4YOm86MqcbxpA6sAhBPGQLCuBGkkWCj2qhWtET2sS5LIXnfZKBxExk5FMiFJFRpP_jlmKMIfFsIp8Og9k7i_ntpQqsFH3jE57L2QjgmtOb4z891MVboNqINqEoYWiwQiPKKyxg-nDJGkcKbnoIKGBtmdTJb9mwjtj-X3IDvPuhLi9V2El7JwcR2FPmq72VIXgRfizMLCgEBmvgpafVa3oqA4hb4e-7IrFc4qWGjNRUTp69TlB_pxg_rFz8j6PKbflIMBXkBiqG76d0TH2x1neAnPHDGI8ctrCN5nHgQHXNo8kxO3kq46_LeAygizJwysQo3Ke45lD0XfV_0'),
 (4, 'ks1:AQEDBQQAAACa9FcoGJdBHMVxqcs0ymmOrPE4lWfCfSAGxod1vJQA1OUfO3CudObcAAABANj_Hh8m1PZMdTQoTdlSB-ucEkBBi47BSz6OZxwaskGT0tAkVsHTqkxbCs8YGtL-hrWW8qF0FxtPrqAIITTgj29yhLfzs0Qhih0BOcm-sR3hHOtEfyPZgzhGVFxmR2WhJt-461nPDefULNaqeE88DxDrVGpQAkXqeNRoMGWynt6tnHVOft286OUgHc9e0s0bmTPaL7KuIcnuVTM3aYKgzN2aDntSkXwnWTa9jFWzjvh91sowlxLDd0MBZSZN5pShrxMprBMCmkQixGczRvWcXB4r9dIUDvZRjzrDpUhEMOMNvMyQ6qqwqHF2WX4e7r_yPivBu9wn76Yx-ZwJk6ygY6EWcCuvljD94s6zxTdFkLZdQDvI_s3rxbja_gDy9EETwroNDw-CI8aVfO9oxeymUeupJbZRrXyP8TEYhG-cvJfM-bTpQBr9jdI948RmRKhHLlGygNBBt4PQNBD7BdjX2lKCmbap32Ah9hrn56NcVlwIWVD-7p1_We7nn-3f4tVJ7rBj8sAQS683oHlINTTuChIlFLmXhzOIxCty2toLSP0_uDefe5TBanKv3k8wtxP1hyCsHk7GL6aEu2QpPjANPW87ob_J_tK_M2a0-zpWDkInIGyXGU-uUk6G1ae_9YcgcHUE0wL2-Fd7GPuemnsz5Z7AvD_0vL8tp_WQMUTpqWwZ_oafniXv1YTf5eXgGwMpENfmzruq8uVs86asSGJaOmzPwQpdr4F2kNkso2-s-7edrhs0q3nucgiqKlD_GCI1jwlFxj_GgapM9MlRr9KmMvDhuCfzw-z5v5XEGpaQzghPZxxF-9ROgnpLdTfgAXe7IxncdKUuXr4AYE7Ck8Nnp7ZbgAoMrwqCaXVqKcgQRoefyePf68cW8mDTaNf3GnVhCBNcF9V514Y-CZycMmwNgpXJ2pvVs0_YI9KJHdbICH8lhQUYpb1iP7hxtglG_UY16KWqjrCEZiuGbl3qoNBJX0WVzJajivTvQHSnoAz3QZTrsWzZs7-_gvuAdsCFf5Dwgp8k2el15EM9Z_j3tYVTkn2OsnQs7D5okeugkG1vOVZQD9eWod2lQiPi9LYfGo2Z2hboNHQ3D2UwheQD6T0xM7o2hlbOPCb28i9JwkEWLpgkaFmsuNv5d29aq3YCljD88N4oExnUYQvXvrSyQgK38wNI6j2vfx_DBvLIxySHvwGaNXca3XVnA6fP3nd1M5-dHHhG4bJa4MhCH5uUyoss9vUsO2Fe8g2SOhb-e7UHdPBdregLPJuUZaCexlWGWqRHNQIt1e8_WFeLyvJjyelvkx2oj4sAdX_EKKabTqMUGhB135R2Mx0isLMmZj7Q00uAqIlDba5eYIT9zJZAbaaThzBhtXyoiKT3KyHjWmDuzfRMMWDk8JIpDZF86pN-JR1rc03V8CetkT_udaxhW71cAzRtHmcn16QzkmJ0c_ZQPoOr5MrBQSiEUkDlBI0ZEy2AakAeCK0YhmydgbQdogYCe44wHtvG_kKGDrSCOU4mpE-KlFPbiDLtHV1ibmyKpcRyVl_L8jefM9HK2CATdsg0-vB78Qkh1iJYFYyWrSihswWpDIaq4bSl0CM34B_abP4yU9IldSktpOoSXRplKxJ4uoyBM4Nu6tAvLzZVOVVXJPaLa45iEq73UmczIFB1xzacDCmrrq13eqC06V8fjS-vBOBrbgVmO-Cp6JkLm8jZKCqMNLSybjOkoTD-2uWwzjvTTZlxnfTFpbTpS6M5eXnkTj3ZeSNO0znuHSGs7G2tPa54PUMpWXjEu6l91cCmPpt6j8fABq2krRxIZLph9ct268NZfxNw2Dj8lUqRGav-cvQJxFVuuP0nn2dEcbYs-wkNnVoozqHxqhsMeO5CAMK0HEOU0pQ8MymfMmkzZ_Me9MLiZFIPVBxBk9kRYFsgkRM6RAAAAhMGZ3lTlgMFa6fWEg-qnIknG9xuGeA4WCejdg-mNVcm1zD1wHdeH2S8hx_aRd8JgQfOqYDldARRLohcH97Ad1-zvfRkuFtb7LHwd9CdnMEPTCuQmo84xQco4ZDtXSZEDZBOn0hv5IwZIE_jQtK6LvMxgNKpx6Zd2cfimf2c_j02StkhGu63_5mkGI1ZnphsXNKUPnQf4fajfmMSWCELeIP4UtM7QyBibxN_4UyO4MMXsw2hBH9HS97TKFpGe3yQE_Wm1boOSdC06_RzpmQBm0AIQEfPsQMjKb-V_KnHBiB1j7DnWO8nLxv-4GCQTRjWBbdcWYI0-o23Gk1a96kqYDlWtaZTSfdEb3ruN5_qDzADMv49meodmMDIjpmj_pHQgyurDHXxCdZF_4WSEo08lNWocRiZIfpP995EanQyCwhbpzdCvTGz9StLW2pZRInZDzuLncoyIk5W27wv03TdSM9Y8sXRJFLIyckWGnAjAmyrZUL9FTLdCRmgskRTAjHHM3tpm_qFUUCxIem-2wVzYS46lDKP3zbwYydSsJU8CpFgBB3CVjjoIxd15ynJHOk5N-oWzbBKGooVqXz_WR3oWPhEjpjrFrORUDOYPQnKIXVKZY4zKn7buKlfzK9hlQUxy34noQ8pBRXB4APPihlOx3piidb1g_rb_BkFjz1X_EdaUWlEbBVRA38YAZSov2WAscWxuQg'),
 (5, 'ks1:AQEDBQUAAACa9FcoGJdBHMVxqcs0ymmOrPE4lWfCfSAGxod1vJQA1OUfO3CudObcAAABANj_Hh8m1PZMdTQoTdlSB-ucEkBBi47BSz6OZxwaskGT0tAkVsHTqkxbCs8YGtL-hrWW8qF0FxtPrqAIITTgj29yhLfzs0Qhih0BOcm-sR3hHOtEfyPZgzhGVFxmR2WhJt-461nPDefULNaqeE88DxDrVGpQAkXqeNRoMGWynt6tnHVOft286OUgHc9e0s0bmTPaL7KuIcnuVTM3aYKgzN2aDntSkXwnWTa9jFWzjvh91sowlxLDd0MBZSZN5pShrxMprBMCmkQixGczRvWcXB4r9dIUDvZRjzrDpUhEMOMNvMyQ6qqwqHF2WX4e7r_yPivBu9wn76Yx-ZwJk6ygY6EWcCuvljD94s6zxTdFkLZdQDvI_s3rxbja_gDy9EETwroNDw-CI8aVfO9oxeymUeupJbZRrXyP8TEYhG-cvJfM-bTpQBr9jdI948RmRKhHLlGygNBBt4PQNBD7BdjX2lKCmbap32Ah9hrn56NcVlwIWVD-7p1_We7nn-3f4tVJ7rBj8sAQS683oHlINTTuChIlFLmXhzOIxCty2toLSP0_uDefe5TBanKv3k8wtxP1hyCsHk7GL6aEu2QpPjANPW87ob_J_tK_M2a0-zpWDkInIGyXGU-uUk6G1ae_9YcgcHUE0wL2-Fd7GPuemnsz5Z7AvD_0vL8tp_WQMUTpqWwZ_oafniXv1YTf5eXgGwMpENfmzruq8uVs86asSGJaOmzPwQpdr4F2kNkso2-s-7edrhs0q3nucgiqKlD_GCI1jwlFxj_GgapM9MlRr9KmMvDhuCfzw-z5v5XEGpaQzghPZxxF-9ROgnpLdTfgAXe7IxncdKUuXr4AYE7Ck8Nnp7ZbgAoMrwqCaXVqKcgQRoefyePf68cW8mDTaNf3GnVhCBNcF9V514Y-CZycMmwNgpXJ2pvVs0_YI9KJHdbICH8lhQUYpb1iP7hxtglG_UY16KWqjrCEZiuGbl3qoNBJX0WVzJajivTvQHSnoAz3QZTrsWzZs7-_gvuAdsCFf5DwgnTQ9uw6rh9O_N2V7WENl7IbRUkSAeTnOrSCWOM5e3Dp1QQrjAb_ZlfhnQKFIKXXu7c9H3zPu26JbAYUT05Dh79S6Um_PGf2Yx575TF-ySc4B2n_IbWP_P58ZBNZsJNQ06L8abeNkkxfUYaQ6bsuMO5lBfeEviyl-SZiEqaYUsnUUj42ZeZygAwh8u7AcPOvxtVimJsFtpkAjvrIKH4t7afaYwuHCmy17ZkN_iR7sgWqUdI_r5aFcDZwsDplD8NH5hAqZRiM5mRQ53n4QQfq2sDzD1VcHUqgQ0sXfP_Sgz1qK7SH8B4fKphwniQnYSwm5b5OQe4KnYvR3qODcQOuB1L9Ofc_bh-Yqn8EvjE7iOpcBmfV5s2edsAI9-yAM217K2hlp9BUgISt_mKT8jU-bJ2Y_W54fqAWamlPhggDPdVtaZgbtX5g9Jn_-W2QhVhwzutfsTynNwOWuuyrWhHtc0Rw-lVphih9WmY1ZwXHtT8m5hSW0cftNbctgV6B34MgxbSayeuomPiF-XpZK54jwyusneGfMCen1Y-YCVXvWeY-phkS4D_GeDiqgrBpuzIhcGu4QT3-QmjBoiuGmAcWlqvPZStqUIUqQn0vYRqlChRG-cpPVGthbkzy2t-PAQ5F48_ewq71fCCdj0KmsnsAznXNmIWsX86-VvyAZB-h7h4LNLSybjOkoTD-2uWwzjvTTZlxnfTFpbTpS6M5eXnkTj3ZeSNO0znuHSGs7G2tPa54PUMpWXjEu6l91cCmPpt6j8fABq2krRxIZLph9ct268NZfxNw2Dj8lUqRGav-cvQJxFVuuP0nn2dEcbYs-wkNnVoozqHxqhsMeO5CAMK0HEOU0pQ8MymfMmkzZ_Me9MLiZFIPVBxBk9kRYFsgkRM6RAAAAhMJ9OLBUJt1M7qD4YXN0N5eolyPP7QPV0VH0Sxr2lKK4WAM8eF-6E6k4D76mhEOLd6s2graajv9Bx5JIndKYx8t03g3mtJnmhcQSCOcmcG_BY9KhfbYuRTavylIgWaCGj4XD4plmQF7K_NzHasuEX2cE0zwMPfL-ZDWl3lZ5rYiF3qZHWCPS8yj3MtIjTzZob1pZUj6c1ode4wBtRJPCgnXdQ2lIkqV2UPOpoiY1DZYSG4p_OXmtASx4yokNGBbkC3Q6ZeTVOrnd9FybfA5DJ4foRCQ_AvwQNEgVIp4PyCpkD1FpXuK7z3wYUW4gUWLA4WEUZW44a1hIiMyEzV7SZYor7_PQbHHr-Znfw4zptH6-43821Cri_Ae5ttkVX6hHTOC3IfH70d2FeasVIEeho8dLCZH0t5NPEjczwSJYeOzd0p94G9pOyiVaaaCE17EVXDACC9kglsX5ZNlKmgycEq2O117XJYLOdUUTv-CREfYNMcdgKsac1GQ8lIS2xRXgN2cYe0SlD78qWjP6VCZCbhuDhPX9iZsKgSY9-P-_uIUHVlDcJTxMh6n2jgDT1NkTb-hxpRxrNqDpgELxPj_jDiGLxtkJHngTai6BjNEOsuZ3Uop4ZqOTjOJi4T_KLXwTEdhut0FC1m_jaGv8mQPyt0nUHcXEYBf3yZ4kSURuWAmgf4xlZ7IuSqdGpEX1s6COZuUjDk');

-- the display form never shows the share value
SELECT i, share FROM thr_shares ORDER BY i;
-- the export form round trips exactly, through text and through the type
SELECT i, paillier_keyshare_export(paillier_keyshare_export(share)::paillier_keyshare)
          = paillier_keyshare_export(share) AS export_round_trip,
       left(paillier_keyshare_export(share), 4) AS prefix
FROM thr_shares ORDER BY i;
-- one public key, 2048 bits
SELECT count(DISTINCT paillier_pubkey(share)::text) AS keys,
       min(paillier_bits(paillier_pubkey(share))) AS bits,
       min(paillier_fingerprint(paillier_pubkey(share))) = '9af457281897411c' AS fp_as_displayed
FROM thr_shares;

-- encrypt with the public key, add up with sum()
CREATE TABLE thr_data AS
SELECT g AS id, paillier_encrypt(g * 1.25, paillier_pubkey(s.share), 2) AS ct
FROM generate_series(1, 20) g, thr_shares s WHERE s.i = 1;
CREATE TABLE thr_total AS SELECT sum(ct) AS ct FROM thr_data;
-- every steward computes its decryption share of the total
CREATE TABLE thr_dec AS
SELECT s.i, paillier_decrypt_share(t.ct, s.share) AS ds FROM thr_shares s, thr_total t;

-- every 3-subset of the 5 decrypts the same sum (1.25 * 210 = 262.50)
SELECT a.i AS a, b.i AS b, c.i AS c, paillier_combine(ARRAY[a.ds, b.ds, c.ds]) AS total
FROM thr_dec a, thr_dec b, thr_dec c WHERE a.i < b.i AND b.i < c.i ORDER BY 1, 2, 3;
-- order does not matter; more than t also works (the extras are checked)
SELECT paillier_combine(ARRAY[c.ds, a.ds, b.ds]) AS reversed
FROM thr_dec a, thr_dec b, thr_dec c WHERE a.i = 2 AND b.i = 4 AND c.i = 5;
SELECT paillier_combine(ds) AS all_five FROM thr_dec;
SELECT paillier_combine(ds ORDER BY i DESC) AS four FROM thr_dec WHERE i <> 3;
-- no rows: NULL; NULL elements are skipped
SELECT paillier_combine(ds) IS NULL AS no_rows FROM thr_dec WHERE false;
SELECT paillier_combine(ARRAY[NULL, a.ds, NULL, b.ds, c.ds]) AS with_nulls
FROM thr_dec a, thr_dec b, thr_dec c WHERE a.i = 1 AND b.i = 3 AND c.i = 5;
-- a negative value and a larger scale
WITH x AS MATERIALIZED (
  SELECT paillier_encrypt(-0.000123, paillier_pubkey(share), 6) AS ct FROM thr_shares WHERE i = 1)
SELECT paillier_combine(paillier_decrypt_share(x.ct, t.share)) AS negative
FROM x, thr_shares t WHERE t.i IN (2, 3, 5);
-- a volatile encryption evaluated once per row gives three ciphertexts: refused
SELECT pg_temp.err($q$SELECT paillier_combine(paillier_decrypt_share(paillier_encrypt(1, paillier_pubkey(s.share), 0), t.share)) FROM thr_shares s, thr_shares t WHERE s.i = 1 AND t.i IN (2, 3, 5)$q$);
-- decryption shares round trip through text
SELECT paillier_combine(ds::text::paillier_decshare) AS via_text FROM thr_dec WHERE i <= 3;
SELECT bool_and(ds::text = ds::text::paillier_decshare::text) AS decshare_text FROM thr_dec;
-- shares are randomised (the proof), the decryption is not
SELECT count(DISTINCT paillier_decrypt_share(t.ct, s.share)::text) AS distinct_shares
FROM thr_total t, thr_shares s, generate_series(1, 2) WHERE s.i = 1;

-- the portable GMP path makes shares that combine with the IFMA path's
SET mpc_eigentrust.use_avx512 = off;
SELECT paillier_combine(ARRAY[paillier_decrypt_share(t.ct, a.share), paillier_decrypt_share(t.ct, b.share), c.ds]) AS mixed_paths
FROM thr_total t, thr_shares a, thr_shares b, thr_dec c WHERE a.i = 1 AND b.i = 4 AND c.i = 5;
RESET mpc_eigentrust.use_avx512;

-- the aggregate runs in parallel (partial states are concatenated)
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
ALTER TABLE thr_dec SET (parallel_workers = 2);
EXPLAIN (COSTS OFF) SELECT paillier_combine(ds) FROM thr_dec;
SELECT paillier_combine(ds) AS parallel_total FROM thr_dec;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- safe-prime generation stops on a cancel (a 4096-bit key takes far longer)
SET statement_timeout = '300ms';
SELECT count(*) FROM paillier_threshold_keygen(4096, 3, 2);
RESET statement_timeout;

-- two shares are not enough; the same share twice does not count twice
SELECT pg_temp.err($q$SELECT paillier_combine(ds) FROM thr_dec WHERE i IN (1, 2)$q$);
SELECT pg_temp.err($q$SELECT paillier_combine(ARRAY[a.ds, a.ds, b.ds]) FROM thr_dec a, thr_dec b WHERE a.i = 1 AND b.i = 2$q$);
SELECT pg_temp.err($q$SELECT paillier_combine('{}'::paillier_decshare[])$q$);
SELECT pg_temp.err($q$SELECT paillier_combine(ARRAY[NULL]::paillier_decshare[])$q$);

-- tampering.  Decryption share layout: 52-byte header, n (256), c, v, v_i,
-- c_i, then the proof's commitments a, b (512 each), 5 hashes of 32,
-- length (4), the proof's response z.
-- a tampered share value c_i: its proof fails, and the error names it
SELECT pg_temp.err(format($q$SELECT paillier_combine(ARRAY[a.ds, %L::paillier_decshare, c.ds])
                     FROM thr_dec a, thr_dec c WHERE a.i = 1 AND c.i = 5$q$,
                   pg_temp.flip(ds::text, 52 + 256 + 3 * 512 + 100))) FROM thr_dec WHERE i = 4;
-- a tampered proof: commitment a, then response z
SELECT pg_temp.err(format($q$SELECT paillier_combine(ARRAY[a.ds, %L::paillier_decshare, c.ds])
                     FROM thr_dec a, thr_dec c WHERE a.i = 1 AND c.i = 5$q$,
                   pg_temp.flip(ds::text, 52 + 256 + 4 * 512 + 7))) FROM thr_dec WHERE i = 2;
SELECT pg_temp.err(format($q$SELECT paillier_combine(ARRAY[a.ds, c.ds, %L::paillier_decshare])
                     FROM thr_dec a, thr_dec c WHERE a.i = 1 AND c.i = 5$q$,
                   pg_temp.flip(ds::text, length(pg_temp.b64d(substr(ds::text, 5))) - 1))) FROM thr_dec WHERE i = 3;
-- an extra share beyond the threshold is checked too
SELECT pg_temp.err(format($q$SELECT paillier_combine(ARRAY[a.ds, b.ds, c.ds, %L::paillier_decshare])
                     FROM thr_dec a, thr_dec b, thr_dec c WHERE a.i = 1 AND b.i = 2 AND c.i = 5$q$,
                   pg_temp.flip(ds::text, 52 + 256 + 3 * 512 + 5))) FROM thr_dec WHERE i = 4;
-- a tampered verification key no longer matches the key's list
SELECT pg_temp.err(format('SELECT %L::paillier_decshare', pg_temp.flip(ds::text, 52 + 256 + 2 * 512 + 9)))
FROM thr_dec WHERE i = 1;
-- a tampered key share value no longer matches its verification key
SELECT pg_temp.err(format('SELECT %L::paillier_keyshare',
                          pg_temp.flip(paillier_keyshare_export(share), length(pg_temp.b64d(substr(paillier_keyshare_export(share), 5))) - 3)))
FROM thr_shares WHERE i = 2;
-- a tampered header field (the threshold) breaks the digest
SELECT pg_temp.err(format('SELECT %L::paillier_keyshare', pg_temp.flip(paillier_keyshare_export(share), 2)))
FROM thr_shares WHERE i = 2;

-- shares of another ciphertext are refused
CREATE TABLE thr_other_ct AS
SELECT s.i, paillier_decrypt_share(paillier_encrypt(7, paillier_pubkey(s.share), 2), s.share) AS ds
FROM thr_shares s WHERE s.i = 3;
SELECT pg_temp.err($q$SELECT paillier_combine(ARRAY[a.ds, b.ds, o.ds]) FROM thr_dec a, thr_dec b, thr_other_ct o WHERE a.i = 1 AND b.i = 2$q$);

-- a split of the fixed key 'a': its old ciphertexts decrypt with any 2 of 3
CREATE TABLE thr_old AS
SELECT g, paillier_encrypt(g * 100 - 250, pk, 0) AS ct FROM k, generate_series(1, 5) g WHERE name = 'a';
CREATE TABLE thr_split AS
SELECT row_number() OVER () AS i, pubkey, share FROM k, paillier_threshold_split(sk, 3, 2) WHERE name = 'a';
SELECT i, share, pubkey::text = (SELECT pk::text FROM k WHERE name = 'a') AS same_pubkey FROM thr_split ORDER BY i;
SELECT o.g, paillier_combine(ARRAY[paillier_decrypt_share(o.ct, a.share), paillier_decrypt_share(o.ct, b.share)]) AS split_2_of_3,
       paillier_decrypt(o.ct, k.sk) AS plain
FROM thr_old o, thr_split a, thr_split b, k WHERE a.i = 3 AND b.i = 1 AND k.name = 'a' ORDER BY o.g;
SELECT paillier_combine(paillier_decrypt_share(t.ct, s.share)) AS split_sum
FROM (SELECT sum(ct) AS ct FROM thr_old) t, thr_split s WHERE s.i IN (1, 2);

-- shares of another key are refused: decrypting and combining
SELECT pg_temp.err($q$SELECT paillier_decrypt_share(o.ct, s.share) FROM thr_old o, thr_shares s WHERE o.g = 1 AND s.i = 1$q$);
SELECT pg_temp.err($q$SELECT paillier_combine(ARRAY[a.ds, b.ds, paillier_decrypt_share(o.ct, s.share)]) FROM thr_dec a, thr_dec b, thr_old o, thr_split s WHERE a.i = 1 AND b.i = 2 AND o.g = 1 AND s.i = 3$q$);
-- another dealing of the same key: its shares do not mix with these
SELECT pg_temp.err($q$SELECT paillier_combine(ARRAY[paillier_decrypt_share(o.ct, a.share), paillier_decrypt_share(o.ct, b.share)]) FROM thr_old o, thr_split a, k, paillier_threshold_split(k.sk, 3, 2) WITH ORDINALITY AS b(pubkey, share, j) WHERE o.g = 1 AND a.i = 1 AND k.name = 'a' AND b.j = 2$q$);

-- bad arguments and bad text
SELECT pg_temp.err($q$SELECT * FROM paillier_threshold_keygen(1024, 5, 3)$q$);
SELECT pg_temp.err($q$SELECT * FROM paillier_threshold_keygen(2048, 5, 1)$q$);
SELECT pg_temp.err($q$SELECT * FROM paillier_threshold_keygen(2048, 3, 4)$q$);
SELECT pg_temp.err($q$SELECT * FROM paillier_threshold_keygen(2048, 65, 3)$q$);
SELECT pg_temp.err($q$SELECT * FROM paillier_threshold_keygen(9000, 5, 3)$q$);
SELECT pg_temp.err($q$SELECT * FROM paillier_threshold_split((SELECT sk FROM k WHERE name = 'a'), 1, 2)$q$);
SELECT pg_temp.err($q$SELECT * FROM paillier_threshold_split((SELECT sk FROM k WHERE name = 'a'), 100, 3)$q$);
SELECT pg_temp.err($q$SELECT * FROM paillier_threshold_split((SELECT sk FROM k WHERE name = 'a'), 5, -1)$q$);
SELECT pg_temp.err($q$SELECT ''::paillier_keyshare$q$);
SELECT pg_temp.err($q$SELECT 'garbage'::paillier_keyshare$q$);
SELECT pg_temp.err($q$SELECT 'ks1:'::paillier_keyshare$q$);
SELECT pg_temp.err($q$SELECT 'ks1:A*B'::paillier_keyshare$q$);
SELECT pg_temp.err($q$SELECT 'ks1:AQID'::paillier_keyshare$q$);
SELECT pg_temp.err(format('SELECT %L::paillier_keyshare', share::text)) FROM thr_shares WHERE i = 1;
SELECT pg_temp.err(format('SELECT %L::paillier_keyshare', left(paillier_keyshare_export(share), 2000))) FROM thr_shares WHERE i = 1;
SELECT pg_temp.err(format('SELECT %L::paillier_keyshare', paillier_keyshare_export(share) || 'AA')) FROM thr_shares WHERE i = 1;
SELECT pg_temp.err($q$SELECT ''::paillier_decshare$q$);
SELECT pg_temp.err($q$SELECT 'ds2:AQID'::paillier_decshare$q$);
SELECT pg_temp.err($q$SELECT 'ds1:AQID'::paillier_decshare$q$);
SELECT pg_temp.err(format('SELECT %L::paillier_decshare', left(ds::text, 3000))) FROM thr_dec WHERE i = 1;
-- a key share is not a decryption share and vice versa
SELECT pg_temp.err(format('SELECT %L::paillier_decshare', 'ds1:' || substr(paillier_keyshare_export(share), 5))) FROM thr_shares WHERE i = 1;
SELECT pg_temp.err(format('SELECT %L::paillier_keyshare', 'ks1:' || substr(ds::text, 5))) FROM thr_dec WHERE i = 1;
